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
         * Direct sparse convolution: every surviving tap of every output channel adds its input run
         * (a row of the output, all samples) scaled by its weight, with no im2col copy.
         */
        void convolve(Csr k, float[] x, float[] y, int tb) {
            int ow = outWidth();
            int oh = outHeight();
            int run = ow * tb;
            int kk = kernel * kernel;
            for (int o = 0; o < k.out; o++) {
                int yo = o * oh * run;
                for (int e = k.rowPtr[o], end = k.rowPtr[o + 1]; e < end; e++) {
                    float w = k.vals[e];
                    int r = k.cols[e];
                    int c = r / kk;
                    int ky = (r % kk) / kernel;
                    int kx = r % kernel;
                    for (int oy = 0; oy < oh; oy++) {
                        int xi = ((c * height + oy + ky) * width + kx) * tb;
                        int yi = yo + oy * run;
                        for (int j = 0; j < run; j++) {
                            y[yi + j] += w * x[xi + j];
                        }
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
            for (int c = 0; c < outChannels; c++) {
                for (int py = 0; py < ph; py++) {
                    for (int px = 0; px < pw; px++) {
                        int dst = ((c * ph + py) * pw + px) * tb;
                        int first = ((c * oh + py * pool) * ow + px * pool) * tb;
                        System.arraycopy(y, first, out, dst, tb);
                        for (int dy = 0; dy < pool; dy++) {
                            for (int dx = 0; dx < pool; dx++) {
                                int src = ((c * oh + py * pool + dy) * ow + px * pool + dx) * tb;
                                for (int b = 0; b < tb; b++) {
                                    if (y[src + b] > out[dst + b]) {
                                        out[dst + b] = y[src + b];
                                    }
                                }
                            }
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
                    float acc = 0f;
                    int base = o * in;
                    for (int i = 0; i < in; i++) {
                        acc += wt[base + i] * x[i];
                    }
                    y[o] += acc;
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
                int yo = o * tb;
                int base = o * in;
                for (int i = 0; i < in; i++) {
                    float w = wt[base + i];
                    int xi = i * tb;
                    for (int b = 0; b < tb; b++) {
                        y[yo + b] += w * x[xi + b];
                    }
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
                    float w = vals[k];
                    int xi = cols[k] * tb;
                    for (int b = 0; b < tb; b++) {
                        y[yo + b] += w * x[xi + b];
                    }
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
                        float wv = w[base + k];
                        int xi = r[k] * tb;
                        for (int b = 0; b < tb; b++) {
                            y[yo + b] += wv * x[xi + b];
                        }
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
