package io.crespr.shared.messages;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.regex.Pattern;

/** Job ids: record keys and directory names in the checkpoint store, so a restricted alphabet. */
public final class JobIds {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private JobIds() {
    }

    /** A fresh random job id. */
    public static String random() {
        return UUID.randomUUID().toString();
    }

    /**
     * The job id of a retrained model version: the same for the same name and version, so a
     * version published twice maps to one job.
     */
    public static String forModel(String model, String version) {
        String base = (model + "-" + version).replaceAll("[^A-Za-z0-9._-]", "_");
        String hash = UUID.nameUUIDFromBytes((model + '\0' + version).getBytes(StandardCharsets.UTF_8))
                .toString().substring(0, 8);
        return (base.length() > 100 ? base.substring(0, 100) : base) + "-" + hash;
    }

    public static boolean isValid(String jobId) {
        return jobId != null && VALID.matcher(jobId).matches();
    }

    static String check(String jobId) {
        if (!isValid(jobId)) {
            throw new BadEventException(BadEventException.Problem.INVALID_EVENT, "jobId must be 1 to 128 letters, "
                    + "digits, '.', '_' or '-' (starting with a letter or digit), got " + (jobId == null ? "none"
                    : "'" + jobId + "'"));
        }
        return jobId;
    }
}
