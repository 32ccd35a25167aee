package io.crespr.shared.messages;

/** Where a job stands. COMPLETED and FAILED are final. */
public enum JobState {
    SUBMITTED, TRAINING, CLUSTERING, SCORING, PRUNING, EVALUATING, COMPLETED, FAILED;

    public boolean isFinal() {
        return this == COMPLETED || this == FAILED;
    }
}
