package io.crespr.shared.model;

import io.crespr.shared.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Reads and writes {@link Checkpoint}s in the CRESPR checkpoint format, version 1: a versioned,
 * self-checking binary format (no Java serialisation) that stores masked tensors sparsely.
 *
 * <h2>Byte layout (version 1)</h2>
 *
 * All fixed-width integers and all {@code float32} values are <b>big-endian</b>. A file is:
 *
 * <pre>
 * offset    size  field
 * 0         8     magic, the ASCII bytes "CRESPRCK"
 * 8         2     u16 format version = 1
 * 10        8     u64 L, the total file length in bytes, this preamble and the trailer included
 * 18        4     u32 H, the header length in bytes
 * 22        H     header: one UTF-8 JSON object (below)
 * 22+H      M     module section: modules.bytes bytes (0 when there is no module map)
 * ...             tensor payloads, one per entry of the header's tensor table, in its order,
 *                 each exactly that entry's "bytes" long
 * L-32      32    SHA-256 of bytes [0, L-32)
 * </pre>
 *
 * <h3>Header</h3>
 *
 * <pre>
 * {"id": "ck-7", "architecture": "mlp:784-300-100-10",
 *  "provenance": {"parentId": null, "stage": "prune",
 *                 "plugins": [{"stage": "prune", "name": "magnitude", "options": {"rate": "0.2"}}],
 *                 "dataset": "mnist", "seed": 42, "round": 3,
 *                 "versions": {"crespr": "0.1.0", "java": "17"}, "createdAt": "2025-01-01T00:00:00Z"},
 *  "modules": {"k": 4, "sizes": [784, 300, 100, 10], "bytes": 1194},
 *  "tensors": [{"name": "0_W", "shape": [784, 300], "encoding": "SPARSE", "masked": true,
 *               "kept": 2352, "bytes": 12345},
 *              {"name": "0_b", "shape": [300], "encoding": "DENSE", "masked": false, "bytes": 1200}]}
 * </pre>
 *
 * Every key shown is present; strings may be {@code null} where the record allows it, and
 * {@code "provenance"} and {@code "modules"} may be {@code null}. Map keys ({@code options},
 * {@code versions}) are written sorted, so the encoding of a checkpoint is deterministic. Duplicate
 * keys are an error; readers ignore keys they do not know.
 *
 * <h3>Module section</h3>
 *
 * The assignment lists of the {@link ModuleMap}, concatenated: {@code sizes[i]} entries for list
 * {@code i}, each a zigzag-encoded ({@code 0→0, -1→1, 1→2, -2→3, …}) unsigned LEB128 varint, so
 * {@code -1} ("shared by all modules") takes one byte. {@link ModuleMap#EMPTY} is
 * {@code {"k": 0, "sizes": [], "bytes": 0}}.
 *
 * <h3>Tensor payloads</h3>
 *
 * A tensor of {@code n} values (the product of its shape; 1 for the empty shape), row-major:
 * <ul>
 * <li><b>DENSE</b>, not masked: {@code n} float32 values, {@code 4n} bytes.</li>
 * <li><b>DENSE</b>, masked: the {@code n} float32 values, then the mask as a bitmap of
 *     {@code ceil(n/8)} bytes, bit {@code i % 8} (least significant first) of byte {@code i / 8}
 *     set when index {@code i} is kept; unused high bits of the last byte are zero.</li>
 * <li><b>SPARSE</b> (always masked): {@code kept} unsigned LEB128 varints, the kept indices in
 *     increasing order, delta-encoded (the first is the index itself, every later one the
 *     difference to the one before, so at least 1), then the {@code kept} float32 values at
 *     those indices. The mask is exactly the kept set; every other value is zero.</li>
 * </ul>
 * A tensor whose name is not in {@link Checkpoint#masks()} is DENSE and reads back with no mask.
 * A masked tensor, all-kept masks included, reads back with its mask, and is written SPARSE when
 * that is strictly smaller than masked DENSE ({@code 4n + ceil(n/8)}), DENSE otherwise. Varints
 * are canonical (no redundant trailing zero byte) and at most 32 bits.
 *
 * <h3>Exactness</h3>
 *
 * Ids, architecture, provenance, module map, masks and every float are reproduced exactly, bit
 * for bit, including {@code -0.0f}, with one documented exception: a pruned position of a
 * SPARSE tensor always reads back as {@code +0.0f}, even if it held {@code -0.0f} (both are
 * "exactly zero" for the {@link Checkpoint} invariant, and {@code x * 0} of a negative weight
 * gives {@code -0.0f}). NaN and infinities are refused on write and rejected on read.
 *
 * <h3>Errors</h3>
 *
 * Every problem is an {@link InvalidInputException} with a one-line message, and reading never
 * returns a partial checkpoint. Readers check, in order: the magic ({@code "not a CRESPR
 * checkpoint (bad magic …)"}), the version ({@code "unsupported checkpoint format version N
 * (this build reads 1)"}), the length ({@code "checkpoint truncated: …"} for a short file or
 * stream, including a short trailer; {@code "checkpoint has N trailing bytes …"} for extra
 * bytes), the hash ({@code "checkpoint corrupt: SHA-256 mismatch …"}), then the header and
 * every payload ({@code "checkpoint corrupt: …"}: sparse indices out of range or not increasing,
 * shapes not matching payload sizes, …; {@code "checkpoint tensor T has NaN at index I"}).
 */
public final class CheckpointCodec {

    /** The format version this build writes and reads. */
    public static final int FORMAT_VERSION = CheckpointFormat.VERSION;

    private CheckpointCodec() {
    }

    /**
     * Encodes a checkpoint.
     *
     * @param c the checkpoint
     * @return the complete file contents
     * @throws InvalidInputException when a value is NaN or infinite (naming the parameter and the
     *         index), a parameter name repeats, a mask is stored under another parameter's name, or
     *         the result would not fit in one array
     */
    public static byte[] toBytes(Checkpoint c) {
        return CheckpointFormatWriter.encode(c);
    }

    /**
     * Encodes a checkpoint onto a stream, which is left open. Nothing is written when the
     * checkpoint is refused.
     *
     * @param c   the checkpoint
     * @param out where to write it
     * @throws InvalidInputException as {@link #toBytes}
     * @throws UncheckedIOException  when the stream fails
     */
    public static void write(Checkpoint c, OutputStream out) {
        byte[] bytes = toBytes(c);
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + c.id() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Decodes one checkpoint that fills the whole array.
     *
     * @param bytes the complete file contents
     * @return the checkpoint
     * @throws InvalidInputException for anything but a complete, intact version-1 checkpoint
     */
    public static Checkpoint fromBytes(byte[] bytes) {
        return CheckpointFormatReader.decode(bytes, Long.MAX_VALUE);
    }

    /**
     * Decodes one checkpoint that fills the whole array, refusing one whose tensors hold more
     * than {@code maxValues} values in all before allocating them: a SPARSE tensor of a few
     * bytes may declare billions of (zero) values, a bomb for a reader of untrusted data.
     *
     * @param bytes     the complete file contents
     * @param maxValues the most values (float32 each) all tensors together may hold
     * @return the checkpoint
     * @throws InvalidInputException as {@link #fromBytes(byte[])}, and {@code "checkpoint too large: …"}
     */
    public static Checkpoint fromBytes(byte[] bytes, long maxValues) {
        return CheckpointFormatReader.decode(bytes, maxValues);
    }

    /**
     * Reads a stream to its end and decodes the one checkpoint it holds; the stream is left open.
     * A stream that fails while being read counts as truncated.
     *
     * @param in the stream
     * @return the checkpoint
     * @throws InvalidInputException as {@link #fromBytes}
     */
    public static Checkpoint read(InputStream in) {
        byte[] bytes;
        try {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new InvalidInputException("checkpoint truncated: stream failed while reading ("
                    + CheckpointFormat.oneLine(e.toString()) + ")", e);
        }
        return fromBytes(bytes);
    }

    /**
     * Writes a checkpoint to a file atomically: into a temporary file in the same directory
     * (named {@code .<file name>.<uuid>.tmp}),
     * forced to disk, then moved over {@code file} with {@link StandardCopyOption#ATOMIC_MOVE}.
     * Readers see the old file or the new one, never a part; the temporary file never remains.
     *
     * @param c    the checkpoint
     * @param file the file to create or replace
     * @throws InvalidInputException as {@link #toBytes}
     * @throws UncheckedIOException  when the file cannot be written (the message names it)
     */
    public static void save(Checkpoint c, Path file) {
        byte[] bytes = toBytes(c);
        try {
            io.crespr.shared.report.AtomicFiles.writeDurably(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save checkpoint to " + file + ": "
                    + CheckpointFormat.oneLine(e.toString()), e);
        }
    }

    /**
     * Reads a checkpoint file.
     *
     * @param file the file
     * @return the checkpoint
     * @throws InvalidInputException when the file is missing, unreadable or not a valid checkpoint;
     *         the message starts with the file name
     */
    public static Checkpoint load(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException("checkpoint file not found: " + file, e);
        } catch (IOException e) {
            throw new InvalidInputException("cannot read checkpoint file " + file + ": "
                    + CheckpointFormat.oneLine(e.toString()), e);
        }
        try {
            return fromBytes(bytes);
        } catch (InvalidInputException e) {
            throw new InvalidInputException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The content hash of a checkpoint: the lower-case hex SHA-256 of its whole encoding, so it
     * equals what {@code sha256sum} prints for a file {@link #save} wrote. The encoding is
     * deterministic, so equal checkpoints (id and provenance included) have equal hashes.
     *
     * @param c the checkpoint
     * @return 64 lower-case hex digits
     * @throws InvalidInputException as {@link #toBytes}
     */
    public static String contentHash(Checkpoint c) {
        return sha256(toBytes(c));
    }

    /**
     * The lower-case hex SHA-256 of some bytes.
     *
     * @param bytes the bytes
     * @return 64 lower-case hex digits
     */
    public static String sha256(byte[] bytes) {
        return CheckpointFormat.hex(CheckpointFormat.sha256(bytes, 0, bytes.length));
    }
}
