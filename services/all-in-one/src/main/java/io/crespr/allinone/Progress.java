package io.crespr.allinone;

import io.crespr.shared.stage.PipelineListener;
import io.crespr.shared.stage.RoundResult;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar over training minibatches, with the current stage and round. */
final class Progress implements PipelineListener, AutoCloseable {

    private final String task;
    private final boolean quiet;
    private ProgressBar bar;

    Progress(String task, boolean quiet) {
        this.task = task;
        this.quiet = quiet;
    }

    @Override
    public void stageStarted(String stage, int round, int rounds) {
        if (bar != null) {
            bar.setExtraMessage(round == 0 ? stage : String.format(Locale.ROOT, "%s, round %d/%d", stage, round, rounds));
        }
    }

    @Override
    public void iterationDone(long done, long total) {
        if (quiet) {
            return;
        }
        if (bar == null) {
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(500).continuousUpdate().build();
        }
        bar.maxHint(total);
        bar.stepTo(done);
    }

    @Override
    public void roundDone(RoundResult r) {
        if (bar != null) {
            bar.setExtraMessage(String.format(Locale.ROOT, "round %d: sparsity %.4f, test %.2f %%", r.round(),
                    r.sparsity(), 100 * r.testAccuracy()));
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
