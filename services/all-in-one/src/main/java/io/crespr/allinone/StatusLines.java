package io.crespr.allinone;

import io.crespr.shared.messages.JobState;
import io.crespr.shared.messages.JobStatus;
import java.io.PrintStream;
import java.util.Locale;

/** Prints a job's progress, one line per stage and round, as its status changes. */
final class StatusLines {

    private final PrintStream out;
    private final long t0 = System.nanoTime();
    private String last = "";

    StatusLines(PrintStream out) {
        this.out = out;
    }

    void accept(JobStatus s) {
        String key = s.state() + "/" + s.round();
        if (key.equals(last)) {
            return;
        }
        last = key;
        out.println(line(s, (System.nanoTime() - t0) / 1e9));
    }

    static String line(JobStatus s, double seconds) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%7.1f s  round %2d/%-2d  %-10s", seconds,
                s.round(), s.rounds(), s.state().name().toLowerCase(Locale.ROOT)));
        if (s.sparsity() != null && s.testAccuracy() != null) {
            b.append(String.format(Locale.ROOT, "  last evaluated: sparsity %.6f, test %.2f %%", s.sparsity(),
                    100 * s.testAccuracy()));
        }
        if (s.state() == JobState.FAILED) {
            b.append("  ").append(s.reason());
        }
        return b.toString();
    }
}
