package io.crespr.shared.stage;

import java.util.Map;

/**
 * One pruning round as measured after its fine-tuning.
 *
 * @param round             1-based round (0 = the dense model)
 * @param scheduledSparsity what the schedule asked for
 * @param sparsity          what the weights show (exact share of zeros)
 * @param testAccuracy      accuracy on the test set
 * @param validationAccuracy accuracy on the validation set
 * @param metrics           everything the evaluators reported
 * @param seconds           wall time of this round's stages
 */
public record RoundResult(int round, double scheduledSparsity, double sparsity, double testAccuracy,
        double validationAccuracy, Map<String, Object> metrics, Map<String, Double> seconds) {
}
