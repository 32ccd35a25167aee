package io.crespr.shared.messages;

import io.crespr.shared.model.Provenance;
import io.crespr.shared.stage.RoundResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The envelope every checkpoint topic carries: which job, which round, the full plan, the
 * metrics so far and the checkpoint reference, so every stage is stateless and the last one can
 * write the same result a single process would.
 *
 * @param schemaVersion {@value VersionedEvent#SCHEMA_VERSION}
 * @param event         what happened last: {@value #CHECKPOINT_TRAINED}, {@value #MODULES_ASSIGNED},
 *                      {@value #SALIENCY_SCORED}, {@value #CHECKPOINT_PRUNED} or {@value #EVALUATION_COMPLETED}
 * @param jobId         the job (also the record key)
 * @param round         the round the checkpoint is in: 0 for the dense model, then 1..rounds
 * @param rounds        rounds the plan runs
 * @param plan          the complete plan (every setting, as {@code result.json} prints it)
 * @param model         the model version a job from {@code crespr.models.retrained.v1} compresses, else null
 * @param history       the dense model's evaluation and every finished round's
 * @param roundSeconds  wall time of this round's stages so far (cluster, score, prune, fine-tune)
 * @param roundMetrics  figures measured earlier in the round, which its evaluation records
 *                      ({@code kChoice} by clustering, {@code pruneStep} by pruning)
 * @param stageSeconds  wall time per stage, summed over the job so far
 * @param codecSeconds  time spent encoding, compressing, hashing and decoding payloads, summed
 * @param checkpoint    the checkpoint
 * @param saliency      the saliency of the checkpoint's weights, on {@code checkpoints.scored} only
 * @param dense         the dense model, kept in the checkpoint store for the result (from round 1 on)
 * @param provenance    the checkpoint's provenance, for people reading the topic
 * @param submittedAt   when the job was submitted, epoch milliseconds
 */
public record CheckpointEvent(int schemaVersion, String event, String jobId, int round, int rounds,
        Map<String, Object> plan, ModelVersion model, List<RoundResult> history, Map<String, Double> roundSeconds,
        Map<String, Object> roundMetrics, Map<String, Double> stageSeconds, double codecSeconds, PayloadRef checkpoint, PayloadRef saliency,
        PayloadRef dense, Provenance provenance, long submittedAt) implements VersionedEvent {

    public static final String CHECKPOINT_TRAINED = "CheckpointTrained";
    public static final String MODULES_ASSIGNED = "ModulesAssigned";
    public static final String SALIENCY_SCORED = "SaliencyScored";
    public static final String CHECKPOINT_PRUNED = "CheckpointPruned";
    public static final String EVALUATION_COMPLETED = "EvaluationCompleted";

    public CheckpointEvent {
        JobIds.check(jobId);
        if (event == null) {
            throw new BadEventException(BadEventException.Problem.INVALID_EVENT, "checkpoint event of job " + jobId
                    + " names no event");
        }
        if (checkpoint == null) {
            throw new BadEventException(BadEventException.Problem.MISSING_CHECKPOINT, "checkpoint event " + event
                    + " of job " + jobId + " carries no checkpoint reference");
        }
        if (round < 0 || rounds < 0 || round > rounds) {
            throw new BadEventException(BadEventException.Problem.INVALID_EVENT, "round must be in [0, rounds], got round "
                    + round + " of " + rounds);
        }
        if (plan == null) {
            throw new BadEventException(BadEventException.Problem.INVALID_EVENT, "checkpoint event of job " + jobId
                    + " carries no plan");
        }
        history = history == null ? List.of() : List.copyOf(history);
        roundSeconds = roundSeconds == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(roundSeconds));
        roundMetrics = roundMetrics == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(roundMetrics));
        stageSeconds = stageSeconds == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(stageSeconds));
    }

    /** The last evaluated round (the dense model's evaluation for round 1), or null before any. */
    public RoundResult lastEvaluated() {
        return history.isEmpty() ? null : history.get(history.size() - 1);
    }

    /** A copy to edit. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Edits a copy; seconds add up per stage in the order stages first appear. */
    public static final class Builder {
        private String event;
        private final String jobId;
        private int round;
        private final int rounds;
        private final Map<String, Object> plan;
        private final ModelVersion model;
        private final List<RoundResult> history;
        private Map<String, Double> roundSeconds;
        private Map<String, Object> roundMetrics;
        private final Map<String, Double> stageSeconds;
        private double codecSeconds;
        private PayloadRef checkpoint;
        private PayloadRef saliency;
        private PayloadRef dense;
        private Provenance provenance;
        private final long submittedAt;

        private Builder(CheckpointEvent e) {
            event = e.event;
            jobId = e.jobId;
            round = e.round;
            rounds = e.rounds;
            plan = e.plan;
            model = e.model;
            history = new ArrayList<>(e.history);
            roundSeconds = new LinkedHashMap<>(e.roundSeconds);
            roundMetrics = new LinkedHashMap<>(e.roundMetrics);
            stageSeconds = new LinkedHashMap<>(e.stageSeconds);
            codecSeconds = e.codecSeconds;
            checkpoint = e.checkpoint;
            saliency = e.saliency;
            dense = e.dense;
            provenance = e.provenance;
            submittedAt = e.submittedAt;
        }

        public Builder event(String v) {
            event = v;
            return this;
        }

        /** Moves to another round; the round's stage times start afresh. */
        public Builder round(int v) {
            if (v != round) {
                roundSeconds = new LinkedHashMap<>();
                roundMetrics = new LinkedHashMap<>();
            }
            round = v;
            return this;
        }

        public Builder checkpoint(PayloadRef v, Provenance p) {
            checkpoint = v;
            provenance = p;
            return this;
        }

        public Builder saliency(PayloadRef v) {
            saliency = v;
            return this;
        }

        public Builder dense(PayloadRef v) {
            dense = v;
            return this;
        }

        public Builder evaluated(RoundResult r) {
            history.add(r);
            return this;
        }

        /** Adds a stage's wall time to the job's totals and, when {@code inRound}, to the round's. */
        public Builder seconds(String stage, double s, boolean inRound) {
            stageSeconds.merge(stage, s, Double::sum);
            if (inRound) {
                roundSeconds.merge(stage, s, Double::sum);
            }
            return this;
        }

        /** A figure of this round, for its evaluation to record. */
        public Builder roundMetric(String key, Object value) {
            roundMetrics.put(key, value);
            return this;
        }

        public Builder codecSeconds(double s) {
            codecSeconds += s;
            return this;
        }

        public CheckpointEvent build() {
            return new CheckpointEvent(SCHEMA_VERSION, event, jobId, round, rounds, plan, model, history, roundSeconds,
                    roundMetrics, stageSeconds, codecSeconds, checkpoint, saliency, dense, provenance, submittedAt);
        }
    }

    /** The first event of a job: its dense checkpoint, round 0. */
    public static CheckpointEvent first(String jobId, int rounds, Map<String, Object> plan, ModelVersion model,
            PayloadRef checkpoint, Provenance provenance, long submittedAt) {
        return new CheckpointEvent(SCHEMA_VERSION, CHECKPOINT_TRAINED, jobId, 0, rounds, plan, model, List.of(),
                Map.of(), Map.of(), Map.of(), 0, checkpoint, null, null, provenance, submittedAt);
    }
}
