package io.crespr.shared.streaming;

import io.crespr.shared.messages.CheckpointEvent;
import io.crespr.shared.messages.EventCodec;
import io.crespr.shared.messages.JobState;
import io.crespr.shared.messages.JobStatus;
import io.crespr.shared.messages.PayloadRef;
import io.crespr.shared.messages.Topics;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.Mask;
import io.crespr.shared.spi.Saliency;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.function.Consumer;

/**
 * hessian-service: the saliency of every weight (layer-wise Hessian scorers, or whichever the
 * plan names). The checkpoint is unchanged and travels on by the same reference; the saliency
 * rides beside it on {@code checkpoints.scored}. Values at already pruned positions, which every
 * pruner ignores ({@link Saliency}), travel as zeros: at 99 % sparsity the saliency compresses
 * to almost nothing.
 */
public final class ScoringHandler implements StageHandler {

    private final StageContext ctx;

    public ScoringHandler(StageContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String stage() {
        return "hessian";
    }

    @Override
    public List<Outgoing> handle(String topic, String key, byte[] value, Consumer<JobStatus> started) {
        CheckpointEvent e = EventCodec.decode(value, CheckpointEvent.class);
        StageContext.Job job = ctx.open(e);
        started.accept(job.status(JobState.SCORING));
        StageContext.Timed<Saliency> scored = StageContext.time(() -> job.steps().score(job.checkpoint(), e.round()));
        long t0 = System.nanoTime();
        PayloadRef saliency = ctx.transport().putSaliency(e.jobId(), unprunedOnly(scored.value(), job.checkpoint()));
        double codec = StageContext.seconds(t0);
        CheckpointEvent out = e.toBuilder().event(CheckpointEvent.SALIENCY_SCORED).saliency(saliency)
                .seconds("score", scored.seconds(), true).codecSeconds(job.codecSeconds() + codec).build();
        return List.of(new Outgoing(Topics.CHECKPOINTS_SCORED, e.jobId(), out));
    }

    static Saliency unprunedOnly(Saliency s, Checkpoint c) {
        Map<String, float[]> out = new LinkedHashMap<>();
        s.values().forEach((name, v) -> {
            Mask m = c.masks().get(name);
            if (m == null || m.prunedCount() == 0) {
                out.put(name, v);
                return;
            }
            float[] z = v.clone();
            boolean[] keep = m.keep();
            for (int i = 0; i < z.length; i++) {
                if (!keep[i]) {
                    z[i] = 0f;
                }
            }
            out.put(name, z);
        });
        return new Saliency(s.scorer(), out);
    }
}
