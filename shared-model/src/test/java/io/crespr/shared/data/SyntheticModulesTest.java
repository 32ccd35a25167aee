package io.crespr.shared.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crespr.shared.InvalidInputException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SyntheticModulesTest {

    private final SyntheticModules task = SyntheticModules.withDefaults(7);
    private final Dataset data = task.generate("synthetic");

    @Test
    void defaultShape() {
        assertThat(data.size()).isEqualTo(3000);
        assertThat(data.inputShape()).containsExactly(3 * 20 + 10);
        assertThat(data.numClasses()).isEqualTo(6);
        assertThat(IntStream.of(data.classCounts())).allMatch(n -> n >= 400 && n <= 600);
    }

    @Test
    void sameSeedSameDataOtherSeedOtherData() {
        Dataset again = SyntheticModules.withDefaults(7).generate("again");
        Dataset other = SyntheticModules.withDefaults(8).generate("other");
        assertThat(again.features()).isEqualTo(data.features());
        assertThat(again.labels()).isEqualTo(data.labels());
        assertThat(task.generate("twice").features()).isEqualTo(data.features());
        assertThat(other.features()).isNotEqualTo(data.features());
        assertThat(other.labels()).isNotEqualTo(data.labels());
    }

    @Test
    void sampleCountDoesNotChangeThePlantedStructure() {
        SyntheticSpec d = SyntheticSpec.defaults();
        SyntheticModules fewer = new SyntheticModules(
                new SyntheticSpec(d.groups(), d.featuresPerGroup(), d.classesPerGroup(), d.distractors(), 10, d.noise()),
                7);
        for (int c = 0; c < d.numClasses(); c++) {
            assertThat(fewer.prototype(c)).containsExactly(task.prototype(c));
        }
    }

    @Test
    void groundTruthFollowsTheLayout() {
        assertThat(task.groupOfFeature(0)).isZero();
        assertThat(task.groupOfFeature(19)).isZero();
        assertThat(task.groupOfFeature(20)).isEqualTo(1);
        assertThat(task.groupOfFeature(59)).isEqualTo(2);
        assertThat(task.groupOfFeature(60)).isEqualTo(-1);
        assertThat(task.groupOfFeature(69)).isEqualTo(-1);
        assertThat(task.groupOfClass(0)).isZero();
        assertThat(task.groupOfClass(1)).isZero();
        assertThat(task.groupOfClass(2)).isEqualTo(1);
        assertThat(task.groupOfClass(5)).isEqualTo(2);
        assertThat(task.featuresOfGroup(1)).startsWith(20).endsWith(39).hasSize(20);
        assertThat(task.classesOfGroup(2)).containsExactly(4, 5);
        assertThatThrownBy(() -> task.groupOfFeature(70)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("feature 70");
        assertThatThrownBy(() -> task.groupOfClass(6)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("class 6");
    }

    /**
     * The planted structure, seen in the data: a group's features separate the classes of
     * that group from each other and from the rest, and look the same for all other classes;
     * distractors look the same for every class.
     */
    @Test
    void onlyAClassOwnGroupCarriesItsPattern() {
        double[][] means = classMeans(data);
        int k = data.numClasses();
        for (int g = 0; g < 3; g++) {
            int[] features = task.featuresOfGroup(g);
            for (int a = 0; a < k; a++) {
                for (int b = a + 1; b < k; b++) {
                    double distance = distance(means[a], means[b], features);
                    boolean aIn = task.groupOfClass(a) == g;
                    boolean bIn = task.groupOfClass(b) == g;
                    if (aIn || bIn) {
                        assertThat(distance).as("group %d, classes %d and %d", g, a, b).isGreaterThan(2.0);
                    } else {
                        assertThat(distance).as("group %d, classes %d and %d", g, a, b).isLessThan(0.3);
                    }
                }
            }
        }
        int[] distractors = IntStream.range(60, 70).toArray();
        for (int a = 0; a < k; a++) {
            for (int b = a + 1; b < k; b++) {
                assertThat(distance(means[a], means[b], distractors)).isLessThan(0.3);
            }
        }
    }

    /** A linear classifier (nearest class mean) separates the classes at the default noise. */
    @Test
    void isLearnableByALinearClassifier() {
        DataSplit split = Datasets.split(data, "s", 2100, 450, 1);
        double[][] means = classMeans(split.train());
        Dataset test = split.test();
        int d = test.featureCount();
        int[] all = IntStream.range(0, d).toArray();
        int correct = 0;
        for (int i = 0; i < test.size(); i++) {
            double[] x = new double[d];
            for (int f = 0; f < d; f++) {
                x[f] = test.features()[i * d + f];
            }
            int best = 0;
            for (int c = 1; c < means.length; c++) {
                if (distance(x, means[c], all) < distance(x, means[best], all)) {
                    best = c;
                }
            }
            correct += best == test.labels()[i] ? 1 : 0;
        }
        assertThat(correct / (double) test.size()).isGreaterThan(0.95);
    }

    @Test
    void rejectsBadSpec() {
        assertThatThrownBy(() -> new SyntheticSpec(0, 20, 2, 10, 100, 0.3))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("groups (0)");
        assertThatThrownBy(() -> new SyntheticSpec(3, 20, 2, 10, 100, Double.NaN))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("noise NaN");
    }

    private static double[][] classMeans(Dataset data) {
        int d = data.featureCount();
        double[][] sums = new double[data.numClasses()][d];
        int[] counts = data.classCounts();
        for (int i = 0; i < data.size(); i++) {
            for (int f = 0; f < d; f++) {
                sums[data.labels()[i]][f] += data.features()[i * d + f];
            }
        }
        for (int c = 0; c < sums.length; c++) {
            for (int f = 0; f < d; f++) {
                sums[c][f] /= counts[c];
            }
        }
        return sums;
    }

    private static double distance(double[] a, double[] b, int[] features) {
        double s = 0;
        for (int f : features) {
            s += (a[f] - b[f]) * (a[f] - b[f]);
        }
        return Math.sqrt(s);
    }
}
