package io.crespr.shared.messages;

import java.util.regex.Pattern;

/**
 * Where a binary payload (a checkpoint, a saliency, a DL4J model zip) is: inline in the event,
 * zstd-compressed and base64-encoded, or in the checkpoint store, named by its URI (a claim check).
 * Either way the reader checks its length and SHA-256 before decoding it.
 *
 * @param format   {@value #CHECKPOINT}, {@value #SALIENCY} or {@value #DL4J_ZIP}
 * @param encoding {@value #INLINE} or {@value #STORE}
 * @param bytes    length of the payload itself (before compression)
 * @param sha256   lower-case hex SHA-256 of the payload itself
 * @param data     base64 of the zstd-compressed payload, when inline
 * @param uri      where the payload is, when in the store ({@code file:} URIs for the filesystem store)
 */
public record PayloadRef(String format, String encoding, long bytes, String sha256, String data, String uri) {

    public static final String CHECKPOINT = "crespr-checkpoint";
    public static final String SALIENCY = "crespr-saliency";
    public static final String DL4J_ZIP = "dl4j-zip";
    public static final String INLINE = "inline-zstd";
    public static final String STORE = "store";

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    public PayloadRef {
        if (format == null || !(format.equals(CHECKPOINT) || format.equals(SALIENCY) || format.equals(DL4J_ZIP))) {
            throw invalid("payload format must be " + CHECKPOINT + ", " + SALIENCY + " or " + DL4J_ZIP + ", got " + format);
        }
        if (INLINE.equals(encoding)) {
            if (data == null || uri != null) {
                throw invalid(format + " payload encoded " + INLINE + " needs data and no uri");
            }
        } else if (STORE.equals(encoding)) {
            if (uri == null || uri.isBlank() || data != null) {
                throw invalid(format + " payload encoded " + STORE + " needs a uri and no data");
            }
        } else {
            throw invalid(format + " payload encoding must be " + INLINE + " or " + STORE + ", got " + encoding);
        }
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            throw invalid(format + " payload needs its sha256 as 64 lower-case hex digits, got " + sha256);
        }
        if (bytes < 0) {
            throw invalid(format + " payload length must be >= 0, got " + bytes);
        }
    }

    public boolean inline() {
        return INLINE.equals(encoding);
    }

    private static BadEventException invalid(String message) {
        return new BadEventException(BadEventException.Problem.INVALID_EVENT, message);
    }
}
