/**
 * The five stages as event handlers: one record's bytes in, the events to publish out, no
 * Kafka types. Each handler decodes the envelope, rebuilds the plan and the data, calls the
 * same {@link io.crespr.shared.stage.StageSteps} {@link io.crespr.shared.stage.PruningPipeline}
 * calls, and hands the checkpoint on through the {@link io.crespr.shared.messages.CheckpointTransport};
 * so the pipeline gives the numbers the single process gives. The services wrap these in a
 * listener that sends what they return in one Kafka transaction with the consumed offset.
 */
package io.crespr.shared.streaming;
