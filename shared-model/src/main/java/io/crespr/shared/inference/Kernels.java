package io.crespr.shared.inference;

/**
 * The multiplies of a compiled layer. Activations of a tile of {@code tb} samples are held
 * feature-major: feature {@code i} of sample {@code b} at {@code i * tb + b}, so every weight
 * scales one contiguous run of {@code tb} values. Each kernel adds {@code W x} into {@code y},
 * which the caller has filled with the biases.
 */
final class Kernels {

    private Kernels() {
    }

    /** The inner loops: vectorised where the JVM allows it. */
    static final Ops OPS = Ops.BEST;

    interface Kernel {
        void multiplyAdd(float[] x, float[] y, int tb);

        /** Multiply-adds per sample (stored weights, zeros included). */
        long storedWeights();

        /** How its weights are held, for the plan's description. */
        String shape();
    }

    /**
     * A stride-1, unpadded convolution over {@code channels × height × width} inputs with square
     * {@code kernel × kernel} filters, then (when {@code pool} &gt; 1) a {@code pool × pool} max
     * pooling of stride {@code pool}, as LeNet-5's layers are. Its kernel matrix has one row per
     * filter tap {@code r = (c·kernel + ky)·kernel + kx} and one column per output channel.
     * Activations are feature-major as everywhere here: value {@code (c, y, x)} of sample
     * {@code b} at {@code ((c·height + y)·width + x)·tb + b}.
     */
    record Conv(int channels, int height, int width, int kernel, int pool) {

        int outHeight() {
            return height - kernel + 1;
        }

        int outWidth() {
            return width - kernel + 1;
        }

        /** Output positions of the convolution, before pooling. */
        int positions() {
            return outHeight() * outWidth();
        }

        int taps() {
            return channels * kernel * kernel;
        }

        int inputWidth() {
            return channels * height * width;
        }

        int pooledHeight() {
            return pool > 1 ? (outHeight() - pool) / pool + 1 : outHeight();
        }

        int pooledWidth() {
            return pool > 1 ? (outWidth() - pool) / pool + 1 : outWidth();
        }

        /**
         * The im2col matrix of a tile: row {@code r} (a tap) holds, for every output position and
         * sample, the input value that tap reads: {@code col[r·P·tb + (oy·OW + ox)·tb + b]}. Rows
         * where {@code rows} is false are skipped (nothing reads them).
         */
        void im2col(float[] x, float[] col, int tb, boolean[] rows) {
            int ow = outWidth();
            int oh = outHeight();
            int run = ow * tb;
            int pt = positions() * tb;
            for (int c = 0, r = 0; c < channels; c++) {
                for (int ky = 0; ky < kernel; ky++) {
                    for (int kx = 0; kx < kernel; kx++, r++) {
                        if (rows != null && !rows[r]) {
                            continue;
                        }
                        for (int oy = 0; oy < oh; oy++) {
                            System.arraycopy(x, ((c * height + oy + ky) * width + kx) * tb, col, r * pt + oy * run, run);
                        }
                    }
                }
            }
        }

        /**
         * Whether {@link #convolve} runs "wide" at this tile: when an output row of the tile
         * ({@code outWidth · tb} values) is shorter than this, every tap instead sweeps the whole
         * output plane computed at the input's width (the {@code kernel - 1} extra columns of each
         * row are dropped afterwards), one long vector run per tap instead of one short run per row.
         */
        static final int WIDE_BELOW = 64;

        boolean wide(int tb) {
            return outWidth() * tb < WIDE_BELOW;
        }

        /** Runs of {@link #convolve} per surviving tap at this tile. */
        int runsPerTap(int tb) {
            return wide(tb) ? 1 : outHeight();
        }

        /** Values in each run of {@link #convolve} at this tile. */
        int runLength(int tb) {
            return wide(tb) ? (outHeight() * width - (kernel - 1)) * tb : outWidth() * tb;
        }

        /**
         * Direct sparse convolution: every surviving tap of every output channel adds its input run
         * (a row of the output, all samples; or the whole plane when {@link #wide}) scaled by its
         * weight, with no im2col copy.
         */
        void convolve(Csr k, float[] x, float[] y, int tb) {
            int ow = outWidth();
            int oh = outHeight();
            int run = ow * tb;
            int kk = kernel * kernel;
            boolean wide = wide(tb);
            int len = runLength(tb);
            float[] plane = wide ? new float[len] : null;
            for (int o = 0; o < k.out; o++) {
                int yo = o * oh * run;
                if (wide && k.rowPtr[o] == k.rowPtr[o + 1]) {
                    continue;
                }
                if (wide) {
                    java.util.Arrays.fill(plane, 0f);
                }
                for (int e = k.rowPtr[o], end = k.rowPtr[o + 1]; e < end; e++) {
                    float w = k.vals[e];
                    int r = k.cols[e];
                    int c = r / kk;
                    int ky = (r % kk) / kernel;
                    int kx = r % kernel;
                    if (wide) {
                        OPS.axpy(w, x, ((c * height + ky) * width + kx) * tb, plane, 0, len);
                        continue;
                    }
                    for (int oy = 0; oy < oh; oy++) {
                        OPS.axpy(w, x, ((c * height + oy + ky) * width + kx) * tb, y, yo + oy * run, run);
                    }
                }
                if (wide) {
                    for (int oy = 0; oy < oh; oy++) {
                        OPS.axpy(1f, plane, oy * width * tb, y, yo + oy * run, run);
                    }
                }
            }
        }

        /** Max pooling of {@code outChannels} convolution outputs from {@code y} into {@code out}. */
        void maxPool(float[] y, float[] out, int outChannels, int tb) {
            int oh = outHeight();
            int ow = outWidth();
            int ph = pooledHeight();
            int pw = pooledWidth();
            if (pool == 2 && tb == 1) {
                for (int c = 0; c < outChannels; c++) {
                    for (int py = 0; py < ph; py++) {
                        int top = (c * oh + 2 * py) * ow;
                        int below = top + ow;
                        int dst = (c * ph + py) * pw;
                        for (int px = 0; px < pw; px++) {
                            int x = 2 * px;
                            out[dst + px] = Math.max(Math.max(y[top + x], y[top + x + 1]),
                                    Math.max(y[below + x], y[below + x + 1]));
                        }
                    }
                }
                return;
            }
            for (int c = 0; c < outChannels; c++) {
                for (int py = 0; py < ph; py++) {
                    for (int px = 0; px < pw; px++) {
                        int dst = ((c * ph + py) * pw + px) * tb;
                        int first = ((c * oh + py * pool) * ow + px * pool) * tb;
                        if (pool == 2) {
                            // LeNet-5's case, four contiguous runs of the tile's samples.
                            int right = first + tb;
                            int below = first + ow * tb;
                            int diagonal = below + tb;
                            for (int b = 0; b < tb; b++) {
                                out[dst + b] = Math.max(Math.max(y[first + b], y[right + b]),
                                        Math.max(y[below + b], y[diagonal + b]));
                            }
                            continue;
                        }
                        for (int b = 0; b < tb; b++) {
                            float m = y[first + b];
                            for (int dy = 0; dy < pool; dy++) {
                                int row = first + dy * ow * tb + b;
                                for (int dx = 0; dx < pool; dx++) {
                                    float v = y[row + dx * tb];
                                    if (v > m) {
                                        m = v;
                                    }
                                }
                            }
                            out[dst + b] = m;
                        }
                    }
                }
            }
        }
    }

    /** Tiles of at least this many samples go through ND4J's GEMM in the dense kernel. */
    static final int GEMM_MIN_TILE = 8;

    /**
     * All {@code in × out} weights, transposed: {@code wt[o * in + i]}. One sample runs as a
     * plain float loop of dot products; a tile of {@link #GEMM_MIN_TILE} or more as one ND4J
     * GEMM ({@code [out, in] × [in, tb]}), the same BLAS call DL4J's dense layers make.
     */
    static final class Dense implements Kernel {
        final int in;
        final int out;
        final float[] wt;
        private final org.nd4j.linalg.api.ndarray.INDArray wtArray;

        Dense(int in, int out, float[] wt) {
            this.in = in;
            this.out = out;
            this.wt = wt;
            this.wtArray = org.nd4j.linalg.factory.Nd4j.create(wt, new long[] {out, in}, 'c');
        }

        /** From DL4J's row-major {@code [in, out]} weights. */
        static Dense of(int in, int out, float[] w) {
            float[] wt = new float[in * out];
            for (int i = 0; i < in; i++) {
                for (int o = 0; o < out; o++) {
                    wt[o * in + i] = w[i * out + o];
                }
            }
            return new Dense(in, out, wt);
        }

        @Override
        public void multiplyAdd(float[] x, float[] y, int tb) {
            if (tb == 1) {
                for (int o = 0; o < out; o++) {
                    y[o] += OPS.dot(wt, o * in, x, 0, in);
                }
                return;
            }
            if (tb >= GEMM_MIN_TILE) {
                float[] xs = x.length == in * tb ? x : java.util.Arrays.copyOf(x, in * tb);
                var product = wtArray.mmul(org.nd4j.linalg.factory.Nd4j.create(xs, new long[] {in, tb}, 'c'));
                float[] p = org.nd4j.linalg.factory.Nd4j.toFlattened('c', product).toFloatVector();
                for (int k = 0, e = out * tb; k < e; k++) {
                    y[k] += p[k];
                }
                return;
            }
            for (int o = 0; o < out; o++) {
                int base = o * in;
                for (int i = 0; i < in; i++) {
                    OPS.axpy(wt[base + i], x, i * tb, y, o * tb, tb);
                }
            }
        }

        @Override
        public long storedWeights() {
            return (long) in * out;
        }

        @Override
        public String shape() {
            return in + "x" + out + " dense";
        }
    }

    /** Surviving weights by output unit: {@code vals[rowPtr[o] .. rowPtr[o+1])} read inputs {@code cols[..]}. */
    static final class Csr implements Kernel {
        final int out;
        final int[] rowPtr;
        final int[] cols;
        final float[] vals;

        Csr(int out, int[] rowPtr, int[] cols, float[] vals) {
            this.out = out;
            this.rowPtr = rowPtr;
            this.cols = cols;
            this.vals = vals;
        }

        /** The non-zeros of DL4J's row-major {@code [in, out]} weights where {@code include} holds. */
        static Csr of(int in, int out, float[] w, java.util.function.BiPredicate<Integer, Integer> include) {
            int[] count = new int[out + 1];
            for (int i = 0; i < in; i++) {
                for (int o = 0; o < out; o++) {
                    if (w[i * out + o] != 0f && include.test(i, o)) {
                        count[o + 1]++;
                    }
                }
            }
            for (int o = 0; o < out; o++) {
                count[o + 1] += count[o];
            }
            int nnz = count[out];
            int[] cols = new int[nnz];
            float[] vals = new float[nnz];
            int[] next = count.clone();
            for (int i = 0; i < in; i++) {
                for (int o = 0; o < out; o++) {
                    float v = w[i * out + o];
                    if (v != 0f && include.test(i, o)) {
                        cols[next[o]] = i;
                        vals[next[o]++] = v;
                    }
                }
            }
            return new Csr(out, count, cols, vals);
        }

        @Override
        public void multiplyAdd(float[] x, float[] y, int tb) {
            if (tb == 1) {
                for (int o = 0; o < out; o++) {
                    float acc = 0f;
                    for (int k = rowPtr[o], end = rowPtr[o + 1]; k < end; k++) {
                        acc += vals[k] * x[cols[k]];
                    }
                    y[o] += acc;
                }
                return;
            }
            for (int o = 0; o < out; o++) {
                int yo = o * tb;
                for (int k = rowPtr[o], end = rowPtr[o + 1]; k < end; k++) {
                    OPS.axpy(vals[k], x, cols[k] * tb, y, yo, tb);
                }
            }
        }

        @Override
        public long storedWeights() {
            return vals.length;
        }

        @Override
        public String shape() {
            return vals.length + " nnz csr";
        }
    }

    /**
     * Per module, a dense block over the inputs and outputs that have a surviving weight inside
     * the module ({@code wt[j * rows.length + r]} for output {@code cols[j]} and input
     * {@code rows[r]}), then the survivors outside every block as CSR.
     */
    static final class Block implements Kernel {
        final int[][] rows;
        final int[][] cols;
        final float[][] wt;
        final Csr rest;

        Block(int[][] rows, int[][] cols, float[][] wt, Csr rest) {
            this.rows = rows;
            this.cols = cols;
            this.wt = wt;
            this.rest = rest;
        }

        @Override
        public void multiplyAdd(float[] x, float[] y, int tb) {
            for (int m = 0; m < rows.length; m++) {
                int[] r = rows[m];
                int[] c = cols[m];
                float[] w = wt[m];
                int nr = r.length;
                if (tb == 1) {
                    for (int j = 0; j < c.length; j++) {
                        float acc = 0f;
                        int base = j * nr;
                        for (int k = 0; k < nr; k++) {
                            acc += w[base + k] * x[r[k]];
                        }
                        y[c[j]] += acc;
                    }
                    continue;
                }
                for (int j = 0; j < c.length; j++) {
                    int yo = c[j] * tb;
                    int base = j * nr;
                    for (int k = 0; k < nr; k++) {
                        OPS.axpy(w[base + k], x, r[k] * tb, y, yo, tb);
                    }
                }
            }
            rest.multiplyAdd(x, y, tb);
        }

        /** The input rows any block or the rest reads, of {@code in}. */
        boolean[] rowsRead(int in) {
            boolean[] read = new boolean[in];
            for (int[] r : rows) {
                for (int i : r) {
                    read[i] = true;
                }
            }
            for (int c : rest.cols) {
                read[c] = true;
            }
            return read;
        }

        long blockWeights() {
            long s = 0;
            for (float[] w : wt) {
                s += w.length;
            }
            return s;
        }

        @Override
        public long storedWeights() {
            return blockWeights() + rest.storedWeights();
        }

        @Override
        public String shape() {
            StringBuilder sb = new StringBuilder();
            for (int m = 0; m < rows.length; m++) {
                sb.append(m == 0 ? "" : "+").append(rows[m].length).append('x').append(cols[m].length);
            }
            return rows.length + " blocks " + sb + " + " + rest.storedWeights() + " inter-module nnz csr";
        }
    }
}
