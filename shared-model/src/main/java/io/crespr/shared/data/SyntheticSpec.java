package io.crespr.shared.data;

import io.crespr.shared.InvalidInputException;

/**
 * The shape of a {@link SyntheticModules} task.
 *
 * @param groups           the number of planted modules (feature groups)
 * @param featuresPerGroup the features that belong to each group
 * @param classesPerGroup  the classes each group decides; there are {@code groups * classesPerGroup} classes
 * @param distractors      features that are pure noise, belonging to no group
 * @param samples          the number of samples to generate
 * @param noise            the standard deviation of the Gaussian noise on every feature; the
 *                         class prototypes have unit-variance entries, so {@code noise} is
 *                         the noise-to-signal ratio per feature
 */
public record SyntheticSpec(int groups, int featuresPerGroup, int classesPerGroup, int distractors, int samples,
        double noise) {

    public SyntheticSpec {
        if (groups < 1 || featuresPerGroup < 1 || classesPerGroup < 1) {
            throw new InvalidInputException("synthetic spec: groups (" + groups + "), features per group ("
                    + featuresPerGroup + ") and classes per group (" + classesPerGroup + ") must all be at least 1");
        }
        if (groups * classesPerGroup < 2) {
            throw new InvalidInputException("synthetic spec: " + groups + " group(s) of " + classesPerGroup
                    + " class(es) make a single class; a classification task needs at least 2");
        }
        if (distractors < 0 || samples < 0) {
            throw new InvalidInputException("synthetic spec: distractors (" + distractors + ") and samples ("
                    + samples + ") must not be negative");
        }
        if (!(noise >= 0) || Double.isInfinite(noise)) {
            throw new InvalidInputException("synthetic spec: noise " + noise + " must be a finite number >= 0");
        }
    }

    /** Three groups of 20 features deciding 2 classes each, 10 distractors, 3,000 samples, noise 0.3. */
    public static SyntheticSpec defaults() {
        return new SyntheticSpec(3, 20, 2, 10, 3000, 0.3);
    }

    /** {@code groups * classesPerGroup}. */
    public int numClasses() {
        return groups * classesPerGroup;
    }

    /** {@code groups * featuresPerGroup + distractors}. */
    public int featureCount() {
        return groups * featuresPerGroup + distractors;
    }
}
