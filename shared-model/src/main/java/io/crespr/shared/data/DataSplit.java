package io.crespr.shared.data;

/**
 * Train, validation and test parts of one dataset. Hyperparameters are chosen on
 * {@code validation}; accuracy is reported on {@code test}.
 */
public record DataSplit(String name, Dataset train, Dataset validation, Dataset test) {

    public int featureCount() {
        return train.featureCount();
    }

    public int numClasses() {
        return train.numClasses();
    }

    public int[] inputShape() {
        return train.inputShape();
    }
}
