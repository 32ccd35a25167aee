package io.crespr.shared.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.crespr.shared.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Checks a DL4J model zip that came from outside before DL4J reads any of it, and hands DL4J a
 * zip of its own making with only what a model needs. DL4J's {@code ModelSerializer} reads every
 * entry of a zip into memory whatever its size, turns an entry {@code preprocessor.bin} into a
 * Java object with {@code ObjectInputStream} (Java deserialisation of untrusted data), allocates
 * what the header of {@code coefficients.bin} announces, and instantiates the classes that
 * {@code configuration.json} names. Here:
 *
 * <ul>
 * <li>only {@code configuration.json} and {@code coefficients.bin} are kept; the updater state,
 *     a normaliser and the no-parameters marker are skipped; {@code preprocessor.bin}, every
 *     other name and any name twice are refused, so a zip has at most five entries;</li>
 * <li>every entry is inflated while counted and reading stops at the limit: a zip bomb is cut
 *     off there, whatever its headers say;</li>
 * <li>every {@code "@class"} of the configuration is a class of DL4J or ND4J;</li>
 * <li>{@code coefficients.bin} is one uncompressed ND4J array whose header announces exactly the
 *     values the entry holds, and whose shape holds that many.</li>
 * </ul>
 */
final class Dl4jZipCheck {

    static final long MAX_CONFIGURATION_BYTES = 4L * 1024 * 1024;

    private static final String CONFIGURATION = "configuration.json";
    private static final String COEFFICIENTS = "coefficients.bin";
    private static final Set<String> SKIPPED = Set.of("updaterState.bin", "noParams.marker", "normalizer.bin");
    private static final String PREPROCESSOR = "preprocessor.bin";
    private static final Map<String, Integer> VALUE_BYTES = Map.of("FLOAT", 4, "DOUBLE", 8, "HALF", 2, "FLOAT16", 2,
            "BFLOAT16", 2);
    private static final Map<String, Integer> SHAPE_BYTES = Map.of("LONG", 8, "INT64", 8, "INT", 4, "INT32", 4);

    private Dl4jZipCheck() {
    }

    /**
     * The zip DL4J may read: the configuration and the coefficients of {@code zip}, checked.
     *
     * @param name     what to call the zip in messages
     * @param maxBytes the most bytes all entries together may inflate to
     * @throws InvalidInputException naming the zip and what is wrong with it
     */
    static byte[] sanitize(byte[] zip, String name, long maxBytes) {
        byte[] configuration = null;
        byte[] coefficients = null;
        Set<String> seen = new HashSet<>();
        long total = 0;
        int entries = 0;
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                entries++;
                String entry = e.getName();
                if (!seen.add(entry)) {
                    throw bad(name, "entry " + entry + " appears twice");
                }
                if (entry.equals(PREPROCESSOR)) {
                    throw bad(name, "entry " + PREPROCESSOR + " is refused: DL4J would read it with Java "
                            + "deserialisation");
                }
                long room = maxBytes - total;
                if (entry.equals(CONFIGURATION)) {
                    configuration = read(in, Math.min(room, MAX_CONFIGURATION_BYTES), name, entry);
                    total += configuration.length;
                } else if (entry.equals(COEFFICIENTS)) {
                    coefficients = read(in, room, name, entry);
                    total += coefficients.length;
                } else if (SKIPPED.contains(entry)) {
                    total += skip(in, room, name, entry);
                } else {
                    throw bad(name, "unexpected entry " + entry + "; a DL4J model zip holds " + CONFIGURATION + ", "
                            + COEFFICIENTS + " and optionally " + String.join(", ", SKIPPED.stream().sorted().toList()));
                }
            }
        } catch (InvalidInputException e) {
            throw e;
        } catch (IOException | IllegalArgumentException e) {
            // ZipInputStream throws IllegalArgumentException for entry names that are not UTF-8
            throw notAModel(name, "not a readable zip: " + e.getMessage());
        }
        if (configuration == null || coefficients == null) {
            throw notAModel(name, entries == 0 ? "not a zip, or an empty one"
                    : "no " + (configuration == null ? CONFIGURATION : COEFFICIENTS));
        }
        checkClasses(configuration, name);
        checkCoefficients(coefficients, name);
        ByteArrayOutputStream out = new ByteArrayOutputStream(coefficients.length + configuration.length + 1024);
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry(CONFIGURATION));
            z.write(configuration);
            z.closeEntry();
            z.putNextEntry(new ZipEntry(COEFFICIENTS));
            z.write(coefficients);
            z.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The entry's bytes, inflated while counted: reading stops past {@code max}. */
    private static byte[] read(InputStream in, long max, String name, String entry) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        drain(in, max, name, entry, out);
        return out.toByteArray();
    }

    private static long skip(InputStream in, long max, String name, String entry) throws IOException {
        return drain(in, max, name, entry, OutputStream.nullOutputStream());
    }

    /** Copies the entry to {@code out}, counting as it inflates; stops past {@code max}. Returns its length. */
    private static long drain(InputStream in, long max, String name, String entry, OutputStream out) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long n = 0;
        for (int r = in.read(buf); r >= 0; r = in.read(buf)) {
            n += r;
            if (n > max) {
                throw tooLarge(name, entry, max);
            }
            out.write(buf, 0, r);
        }
        return n;
    }

    private static void checkClasses(byte[] configuration, String name) {
        JsonNode root;
        try {
            root = CheckpointFormat.JSON.readTree(configuration);
        } catch (IOException e) {
            throw bad(name, CONFIGURATION + " is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw bad(name, CONFIGURATION + " is not a JSON object");
        }
        walk(root, name);
    }

    private static void walk(JsonNode node, String name) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> f = it.next();
                if (f.getKey().equals("@class")) {
                    String cls = f.getValue().isTextual() ? f.getValue().textValue() : String.valueOf(f.getValue());
                    if (!cls.startsWith("org.deeplearning4j.") && !cls.startsWith("org.nd4j.")) {
                        throw bad(name, CONFIGURATION + " names class " + cls
                                + "; only classes of org.deeplearning4j and org.nd4j are read");
                    }
                }
                walk(f.getValue(), name);
            }
        } else if (node.isArray()) {
            node.forEach(n -> walk(n, name));
        }
    }

    /**
     * {@code coefficients.bin} as ND4J writes an array: the shape-information buffer, then the
     * data buffer, each a header (allocation mode, length, data type) and its values.
     */
    private static void checkCoefficients(byte[] b, String name) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) {
            Header shapeHeader = header(in, name);
            Integer shapeSize = SHAPE_BYTES.get(shapeHeader.type);
            if (shapeSize == null || shapeHeader.length < 4 || shapeHeader.length > 2 * 32 + 4) {
                throw bad(name, COEFFICIENTS + " has no valid shape information (" + shapeHeader.length + " of "
                        + shapeHeader.type + ")");
            }
            long[] shapeInfo = new long[(int) shapeHeader.length];
            for (int i = 0; i < shapeInfo.length; i++) {
                shapeInfo[i] = shapeSize == 8 ? in.readLong() : in.readInt();
            }
            long rank = shapeInfo[0];
            if (rank < 0 || rank > 32 || shapeInfo.length != 2 * rank + 4) {
                throw bad(name, COEFFICIENTS + " has a shape of rank " + rank + " in " + shapeInfo.length + " entries");
            }
            long count = 1;
            for (int i = 1; i <= rank; i++) {
                if (shapeInfo[i] < 0) {
                    throw bad(name, COEFFICIENTS + " has a negative dimension");
                }
                count = Math.multiplyExact(count, shapeInfo[i]);
            }
            Header data = header(in, name);
            Integer valueSize = VALUE_BYTES.get(data.type);
            if (valueSize == null) {
                throw bad(name, COEFFICIENTS + " holds " + data.type + " values; a model's parameters are floating point");
            }
            long remaining = in.available();
            if (data.length < 0 || data.length != count || data.length > remaining / valueSize
                    || data.length * valueSize != remaining) {
                throw bad(name, COEFFICIENTS + " announces " + data.length + " values for a shape of " + count + " in "
                        + remaining + " bytes");
            }
        } catch (IOException | ArithmeticException e) {
            throw bad(name, COEFFICIENTS + " is truncated or malformed (" + e.getClass().getSimpleName() + ")");
        }
    }

    private record Header(String mode, long length, String type) {
    }

    private static Header header(DataInputStream in, String name) throws IOException {
        String mode = in.readUTF();
        long length = switch (mode) {
            case "DIRECT", "HEAP", "JAVACPP" -> in.readInt();
            case "LONG_SHAPE", "MIXED_DATA_TYPES" -> in.readLong();
            default -> throw bad(name, COEFFICIENTS + " has unknown allocation mode " + mode);
        };
        return new Header(mode, length, in.readUTF());
    }

    private static InvalidInputException tooLarge(String name, String entry, long max) {
        return bad(name, "entry " + entry + " inflates to more than " + max + " bytes");
    }

    private static InvalidInputException notAModel(String name, String why) {
        return new InvalidInputException("not a DL4J model zip: " + name + " (" + why + ")");
    }

    private static InvalidInputException bad(String name, String why) {
        return new InvalidInputException("DL4J model zip " + name + " refused: " + why);
    }
}
