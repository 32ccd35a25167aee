/**
 * What the five stage services share: processing one record exactly once (the handler's events,
 * the job status and the consumed offset in one Kafka transaction), dead letters with headers,
 * job status, topic creation at start-up and the configuration. A service adds one listener
 * class that receives and hands the record to its {@link io.crespr.runtime.StageRunner}.
 */
package io.crespr.runtime;
