package io.crespr.shared.data;

import io.crespr.shared.InvalidInputException;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * A classification task with a planted modular structure, so that the modules a pruner finds
 * can be compared with the truth ({@link #groupOfFeature}, {@link #groupOfClass}).
 *
 * <p>The features are laid out as group 0's {@code featuresPerGroup} features, then group 1's,
 * and so on, then the {@code distractors}. Class {@code c} belongs to group
 * {@code g = c / classesPerGroup}. A sample of class {@code c} is drawn as follows:
 * <ul>
 *   <li>group {@code g}'s features are class {@code c}'s prototype plus noise; the prototypes
 *       are drawn once per class, with independent standard-normal entries;</li>
 *   <li>every other group's features are that group's background (zero) plus noise: the same
 *       distribution whatever {@code c} is, so an inactive group says nothing about which of
 *       the other groups' classes was drawn;</li>
 *   <li>distractors are pure noise.</li>
 * </ul>
 * The noise is Gaussian with standard deviation {@code noise} on every feature. Since the
 * likelihood ratio of class {@code c} against "all groups in background" involves group
 * {@code g}'s features only, the Bayes-optimal score of class {@code c} is a function of its
 * own group's features alone, and it is linear in them (shared isotropic noise), so a linear
 * classifier can reach the optimum while each class needs one module only.
 *
 * <p>Everything is a function of {@code (spec, seed)}: the same pair gives the same
 * prototypes and the same samples, on every JVM. That is why the Gaussian draws are computed
 * here from {@link SplittableRandom#nextDouble()}, whose algorithm is specified, rather than
 * from {@code nextGaussian()}, whose algorithm has changed between JDK releases.
 */
public final class SyntheticModules {

    private final SyntheticSpec spec;
    private final long seed;
    /** {@code prototypes[c]}: class c's pattern over the features of its own group. */
    private final float[][] prototypes;
    /** Seeds the sample stream; kept so that {@link #generate} gives the same samples every call. */
    private final long samplesSeed;

    /** The task of shape {@code spec}, with prototypes and samples determined by {@code seed}. */
    public SyntheticModules(SyntheticSpec spec, long seed) {
        this.spec = spec;
        this.seed = seed;
        // One independent stream per use, so that changing, e.g., the sample count leaves the
        // prototypes, i.e. the planted structure, exactly as they were.
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom prototypeRandom = root.split();
        this.samplesSeed = root.split().nextLong();
        this.prototypes = new float[spec.numClasses()][spec.featuresPerGroup()];
        for (float[] prototype : prototypes) {
            for (int i = 0; i < prototype.length; i++) {
                prototype[i] = (float) gaussian(prototypeRandom);
            }
        }
    }

    /** The task with {@link SyntheticSpec#defaults()} and the given seed. */
    public static SyntheticModules withDefaults(long seed) {
        return new SyntheticModules(SyntheticSpec.defaults(), seed);
    }

    public SyntheticSpec spec() {
        return spec;
    }

    public long seed() {
        return seed;
    }

    /**
     * Draws {@code spec().samples()} samples, each of a class chosen uniformly. Calling it
     * again gives the same samples.
     *
     * @return a dataset of input shape {@code {featureCount}} and {@code numClasses} classes
     */
    public Dataset generate(String name) {
        SplittableRandom random = new SplittableRandom(samplesSeed);
        int d = spec.featureCount();
        int k = spec.numClasses();
        int perGroup = spec.featuresPerGroup();
        float noise = (float) spec.noise();
        float[] features = new float[spec.samples() * d];
        int[] labels = new int[spec.samples()];
        for (int s = 0; s < labels.length; s++) {
            int c = random.nextInt(k);
            labels[s] = c;
            int activeStart = groupOfClass(c) * perGroup;
            int row = s * d;
            for (int f = 0; f < d; f++) {
                // Background (inactive groups, distractors) is zero; only the active group carries a pattern.
                float mean = f >= activeStart && f < activeStart + perGroup ? prototypes[c][f - activeStart] : 0f;
                features[row + f] = mean + noise * (float) gaussian(random);
            }
        }
        return new Dataset(name, new int[] {d}, k, features, labels);
    }

    /** The group feature {@code f} belongs to, or −1 for a distractor. */
    public int groupOfFeature(int f) {
        if (f < 0 || f >= spec.featureCount()) {
            throw new InvalidInputException("synthetic task: feature " + f + " is outside [0, "
                    + spec.featureCount() + ")");
        }
        int grouped = spec.groups() * spec.featuresPerGroup();
        return f < grouped ? f / spec.featuresPerGroup() : -1;
    }

    /** The group whose features decide class {@code c}. */
    public int groupOfClass(int c) {
        if (c < 0 || c >= spec.numClasses()) {
            throw new InvalidInputException("synthetic task: class " + c + " is outside [0, " + spec.numClasses() + ")");
        }
        return c / spec.classesPerGroup();
    }

    /** The features of group {@code g}, ascending. */
    public int[] featuresOfGroup(int g) {
        checkGroup(g);
        return IntStream.range(g * spec.featuresPerGroup(), (g + 1) * spec.featuresPerGroup()).toArray();
    }

    /** The classes decided by group {@code g}, ascending. */
    public int[] classesOfGroup(int g) {
        checkGroup(g);
        return IntStream.range(g * spec.classesPerGroup(), (g + 1) * spec.classesPerGroup()).toArray();
    }

    /** Class {@code c}'s prototype over the features of its group (a copy). */
    public float[] prototype(int c) {
        groupOfClass(c); // validates c
        return prototypes[c].clone();
    }

    private void checkGroup(int g) {
        if (g < 0 || g >= spec.groups()) {
            throw new InvalidInputException("synthetic task: group " + g + " is outside [0, " + spec.groups() + ")");
        }
    }

    /**
     * A standard-normal draw by the Marsaglia polar method, using only {@code nextDouble()} and
     * {@link StrictMath}, whose results, unlike {@link Math}'s, are the same on every platform.
     */
    private static double gaussian(SplittableRandom random) {
        double u;
        double v;
        double s;
        do {
            u = 2 * random.nextDouble() - 1;
            v = 2 * random.nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        return u * StrictMath.sqrt(-2 * StrictMath.log(s) / s);
    }
}
