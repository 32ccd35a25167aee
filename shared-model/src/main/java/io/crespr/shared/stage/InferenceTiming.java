package io.crespr.shared.stage;

import io.crespr.shared.InvalidInputException;
import io.crespr.shared.data.Dataset;
import io.crespr.shared.inference.CostModel;
import io.crespr.shared.inference.SparseModel;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.Networks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * "Is it faster?": the pruned model's inference time through its compiled sparse plan
 * ({@link SparseModel}) against DL4J's dense forward pass of the same checkpoint, on the same
 * test images. Latency at batch 1 (per image) and throughput at batch {@link #BATCH}; each a short
 * warm-up, then {@link #REPEATS} timed runs, the median. Under a second for lenet-300-100.
 * <p>
 * Recorded under the metrics key {@link #KEY} of a job's last round only. Its numbers are wall
 * times and differ from run to run; nothing else in the result depends on them.
 */
public final class InferenceTiming {

    /** The metrics key. */
    public static final String KEY = "inference";
    /** The batch size throughput is measured at. */
    public static final int BATCH = 256;
    static final int REPEATS = 5;
    /** Distinct test images the batch-1 latency cycles through. */
    static final int SINGLES = 32;
    /** Warm-up of each timing; the compiled batch path gets longer, its tiled loops need the JIT more. */
    private static final long WARM_NANOS = 50_000_000L;
    private static final long WARM_BATCH_NANOS = 250_000_000L;
    private static final long RUN_NANOS = 15_000_000L;

    private static volatile CostModel costs;

    private InferenceTiming() {
    }

    /**
     * The timings of {@code c} on {@code test}: {@code supported}, {@code plan} (kernel per layer at
     * batch 1), {@code planBatch} (at {@link #BATCH}), {@code latencyMicros} and
     * {@code denseLatencyMicros} per image at batch 1, {@code speedup} (dense / compiled at batch 1),
     * {@code throughputPerSecond}, {@code denseThroughputPerSecond} and {@code throughputSpeedup} at
     * {@code batch}. When the compiled path cannot run the model (a convolutional network, say):
     * {@code supported} false and {@code reason}; never an exception.
     */
    public static Map<String, Object> measure(Checkpoint c, Dataset test) {
        Map<String, Object> m = new LinkedHashMap<>();
        SparseModel one;
        SparseModel many;
        int batch = Math.min(BATCH, test.size());
        try {
            if (test.size() == 0) {
                return unsupported(m, "no test images to time");
            }
            one = SparseModel.compile(c, new SparseModel.Options(null, 1, costs()));
            many = SparseModel.compile(c, new SparseModel.Options(null, batch, costs()));
        } catch (InvalidInputException e) {
            return unsupported(m, e.getMessage());
        }
        MultiLayerNetwork net = Networks.fromCheckpoint(c, null, 0);
        int d = test.featureCount();
        List<float[]> singles = new ArrayList<>();
        for (int s = 0; s < Math.min(SINGLES, test.size()); s++) {
            singles.add(Arrays.copyOfRange(test.features(), s * d, (s + 1) * d));
        }
        List<INDArray> singleArrays = singles.stream().map(x -> Nd4j.create(x, new long[] {1, d}, 'c')).toList();
        float[] big = Arrays.copyOf(test.features(), batch * d);
        List<float[]> bigs = List.of(big);
        List<INDArray> bigArrays = List.of(Nd4j.create(big, new long[] {batch, d}, 'c'));

        double sparse1 = time(singles, x -> one.output(x, 1, d), WARM_NANOS);
        double dense1 = time(singleArrays, x -> net.output(x, false), WARM_NANOS);
        double sparseN = time(bigs, x -> many.output(x, batch, d), WARM_BATCH_NANOS);
        double denseN = time(bigArrays, x -> net.output(x, false), WARM_NANOS);

        m.put("supported", true);
        m.put("plan", one.layers().stream().map(l -> l.kind().label()).toList());
        m.put("planBatch", many.layers().stream().map(l -> l.kind().label()).toList());
        m.put("latencyMicros", round(sparse1 / 1e3));
        m.put("denseLatencyMicros", round(dense1 / 1e3));
        m.put("speedup", round(dense1 / sparse1));
        m.put("batch", batch);
        m.put("throughputPerSecond", round(batch * 1e9 / sparseN));
        m.put("denseThroughputPerSecond", round(batch * 1e9 / denseN));
        m.put("throughputSpeedup", round(denseN / sparseN));
        return m;
    }

    /** One line for a console: "4.1 µs/image compiled (csr/csr/csr) vs 540 µs DL4J dense, 132× at batch 1". */
    public static String describe(Map<?, ?> m) {
        if (!Boolean.TRUE.equals(m.get("supported"))) {
            return "not measured: " + m.get("reason");
        }
        return String.format(Locale.ROOT, "%.1f µs/image compiled (%s) vs %.1f µs DL4J dense, %.1f× at batch 1; "
                + "%.0f vs %.0f images/s at batch %s (%s)",
                ((Number) m.get("latencyMicros")).doubleValue(), String.join("/", asStrings(m.get("plan"))),
                ((Number) m.get("denseLatencyMicros")).doubleValue(), ((Number) m.get("speedup")).doubleValue(),
                ((Number) m.get("throughputPerSecond")).doubleValue(),
                ((Number) m.get("denseThroughputPerSecond")).doubleValue(), m.get("batch"),
                String.join("/", asStrings(m.get("planBatch"))));
    }

    private static List<String> asStrings(Object o) {
        return o instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of(String.valueOf(o));
    }

    private static Map<String, Object> unsupported(Map<String, Object> m, String reason) {
        m.put("supported", false);
        m.put("reason", reason);
        return m;
    }

    private static CostModel costs() {
        CostModel c = costs;
        if (c == null) {
            c = CostModel.calibrate();
            costs = c;
        }
        return c;
    }

    /** Nanoseconds per call: a warm-up, then {@link #REPEATS} runs over all inputs, the median. */
    static <T> double time(List<T> inputs, Consumer<T> call, long warmNanos) {
        return io.crespr.shared.inference.CallTimer.medianNanosPerCall(inputs, call, warmNanos, 2, REPEATS, RUN_NANOS);
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
