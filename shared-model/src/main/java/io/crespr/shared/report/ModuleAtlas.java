package io.crespr.shared.report;

import io.crespr.shared.data.Dataset;
import io.crespr.shared.model.Checkpoint;
import io.crespr.shared.model.ModuleMap;
import io.crespr.shared.model.ModuleStructure;
import io.crespr.shared.model.Networks;
import io.crespr.shared.model.ParamTensor;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What each module of a pruned network looks at and decides: the input features it reads
 * (surviving first-layer weight mass from each feature into the module's units; a heat map for
 * square image inputs), the classes it holds, and its share of every class's logit on the test
 * set (the share of {@code Σ |a_j · W_jc|} over the last hidden layer's units {@code j} that
 * comes from the module's units). Plus one figure of the whole network with modules as colours.
 */
public final class ModuleAtlas {

    /** One module's summary. */
    public record Module(int id, List<Integer> classes, int[] unitsPerLayer, double[] inputMass,
            double[] logitShare) {
    }

    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
        new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
        new Color(0xbcbd22), new Color(0x17becf)};

    private ModuleAtlas() {
    }

    public static Color colour(int module) {
        return module < 0 ? Color.LIGHT_GRAY : PALETTE[module % PALETTE.length];
    }

    /** Summaries of every module; {@code test} gives the logit shares. */
    public static List<Module> modules(Checkpoint c, Dataset test) {
        ModuleMap m = c.modules();
        ModuleStructure.check(c, m);
        List<ParamTensor> weights = c.weights();
        int layers = m.assignments().size();
        double[][] share = logitShares(c, test);
        List<Module> out = new ArrayList<>();
        for (int mod = 0; mod < m.k(); mod++) {
            List<Integer> classes = new ArrayList<>();
            int[] last = m.assignments().get(layers - 1);
            for (int cl = 0; cl < last.length; cl++) {
                if (last[cl] == mod) {
                    classes.add(cl);
                }
            }
            int[] units = new int[layers];
            for (int l = 0; l < layers; l++) {
                for (int v : m.assignments().get(l)) {
                    units[l] += v == mod ? 1 : 0;
                }
            }
            out.add(new Module(mod, classes, units, inputMass(weights.get(0), m.assignments().get(1), mod),
                    share[mod]));
        }
        return out;
    }

    /** Surviving |w| from every input feature into the module's first-layer units (dense first layer). */
    private static double[] inputMass(ParamTensor w0, int[] firstLayer, int mod) {
        if (w0.shape().length != 2) {
            return new double[0];
        }
        int nIn = (int) w0.shape()[0];
        int nOut = (int) w0.shape()[1];
        double[] mass = new double[nIn];
        for (int q = 0; q < nIn; q++) {
            for (int j = 0; j < nOut; j++) {
                if (firstLayer[j] == mod || firstLayer[j] == -1) {
                    mass[q] += Math.abs(w0.values()[q * nOut + j]);
                }
            }
        }
        return mass;
    }

    /** {@code [module][class]}: the module's share of the class's absolute logit contributions. */
    static double[][] logitShares(Checkpoint c, Dataset test) {
        ModuleMap m = c.modules();
        MultiLayerNetwork net = Networks.fromCheckpoint(c, null, 0);
        List<ParamTensor> weights = c.weights();
        ParamTensor wl = weights.get(weights.size() - 1);
        int hidden = (int) wl.shape()[0];
        int classes = (int) wl.shape()[1];
        int[] unitModule = m.assignments().get(m.assignments().size() - 2);
        int per = hidden / unitModule.length;
        double[][] mass = new double[m.k()][classes];
        double[] total = new double[classes];
        int d = test.featureCount();
        int n = Math.min(test.size(), 2000);
        int layerOfLast = wl.layerIndex();
        for (int from = 0; from < n; from += 500) {
            int b = Math.min(500, n - from);
            float[] x = new float[b * d];
            System.arraycopy(test.features(), from * d, x, 0, b * d);
            List<INDArray> acts = net.feedForward(Nd4j.create(x, new long[] {b, d}, 'c'), false);
            INDArray a = acts.get(layerOfLast).reshape('c', b, hidden);
            float[] av = a.dup('c').data().asFloat();
            for (int s = 0; s < b; s++) {
                for (int j = 0; j < hidden; j++) {
                    float aj = av[s * hidden + j];
                    if (aj == 0f) {
                        continue;
                    }
                    int mod = unitModule[j / per];
                    for (int cl = 0; cl < classes; cl++) {
                        double contrib = Math.abs(aj * wl.values()[j * classes + cl]);
                        total[cl] += contrib;
                        if (mod >= 0) {
                            mass[mod][cl] += contrib;
                        }
                    }
                }
            }
        }
        for (int mod = 0; mod < m.k(); mod++) {
            for (int cl = 0; cl < classes; cl++) {
                mass[mod][cl] = total[cl] > 0 ? mass[mod][cl] / total[cl] : 0;
            }
        }
        return mass;
    }

    /**
     * Writes {@code module-N-inputs.png} (square image inputs only) and {@code network.png}, and
     * returns the Markdown section for the report.
     */
    public static String write(Checkpoint c, Dataset test, Path dir) {
        List<Module> modules = modules(c, test);
        int[] shape = test.inputShape();
        boolean image = shape.length == 3 && shape[0] == 1 && shape[1] == shape[2] && c.weights().get(0).shape().length == 2;
        StringBuilder sb = new StringBuilder("\n## Modules\n\n");
        sb.append("k = ").append(c.modules().k()).append(". Units per node layer (inputs, hidden…, classes); classes held; ")
                .append("share of each class's logit that flows through the module's last hidden units (test set).\n\n");
        sb.append("| module | units per layer | classes | logit share per class |")
                .append(image ? " inputs it reads |\n|---:|---|---|---|---|\n" : "\n|---:|---|---|---|\n");
        for (Module mod : modules) {
            StringBuilder shares = new StringBuilder();
            for (int cl = 0; cl < mod.logitShare().length; cl++) {
                shares.append(cl == 0 ? "" : " ").append(cl).append(':')
                        .append(String.format(Locale.ROOT, "%.2f", mod.logitShare()[cl]));
            }
            sb.append("| ").append(mod.id()).append(" | ").append(java.util.Arrays.toString(mod.unitsPerLayer()))
                    .append(" | ").append(mod.classes()).append(" | ").append(shares).append(" |");
            if (image) {
                String file = "module-" + mod.id() + "-inputs.png";
                heatMap(mod.inputMass(), shape[1], colour(mod.id()), dir.resolve(file));
                sb.append(" ![inputs read by module ").append(mod.id()).append("](").append(file).append(") |");
            }
            sb.append('\n');
        }
        networkFigure(c, dir.resolve("network.png"));
        sb.append("\n![the pruned network, modules as colours](network.png)\n");
        return sb.toString();
    }

    private static void heatMap(double[] mass, int side, Color colour, Path png) {
        int scale = 8;
        BufferedImage img = new BufferedImage(side * scale, side * scale, BufferedImage.TYPE_INT_RGB);
        double max = 0;
        for (double v : mass) {
            max = Math.max(max, v);
        }
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                double t = max > 0 ? mass[y * side + x] / max : 0;
                int r = (int) (255 - t * (255 - colour.getRed()));
                int g = (int) (255 - t * (255 - colour.getGreen()));
                int b = (int) (255 - t * (255 - colour.getBlue()));
                int rgb = (r << 16) | (g << 8) | b;
                for (int dy = 0; dy < scale; dy++) {
                    for (int dx = 0; dx < scale; dx++) {
                        img.setRGB(x * scale + dx, y * scale + dy, rgb);
                    }
                }
            }
        }
        AtomicFiles.write(png, tmp -> ImageIO.write(img, "png", tmp.toFile()));
    }

    /** Node layers as columns, nodes coloured by module, surviving weights as lines (inter-module in grey). */
    private static void networkFigure(Checkpoint c, Path png) {
        ModuleMap m = c.modules();
        int[] sizes = ModuleStructure.nodeLayerSizes(c);
        int width = 1200;
        int height = 800;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        int columns = sizes.length;
        double[][] ys = new double[columns][];
        int[] order;
        for (int l = 0; l < columns; l++) {
            // Sort each layer's nodes by module so the blocks show.
            order = sortedByModule(m.assignments().get(l));
            ys[l] = new double[sizes[l]];
            for (int r = 0; r < order.length; r++) {
                ys[l][order[r]] = 40 + (height - 80) * (sizes[l] == 1 ? 0.5 : (double) r / (sizes[l] - 1));
            }
        }
        List<ParamTensor> weights = c.weights();
        g.setStroke(new BasicStroke(0.6f));
        for (int l = 0; l < weights.size(); l++) {
            int[] module = ModuleStructure.moduleOfWeights(c, m, l);
            ParamTensor w = weights.get(l);
            int x0 = x(l, columns, width);
            int x1 = x(l + 1, columns, width);
            final int layer = l;
            ModuleStructure.forEachWeight(w, sizes[l], (i, src, dst) -> {
                if (w.values()[i] == 0f) {
                    return;
                }
                Color col = colour(module[i]);
                g.setColor(new Color(col.getRed(), col.getGreen(), col.getBlue(), module[i] < 0 ? 60 : 110));
                g.drawLine(x0, (int) ys[layer][src], x1, (int) ys[layer + 1][dst]);
            });
        }
        for (int l = 0; l < columns; l++) {
            int x = x(l, columns, width);
            int r = sizes[l] > 200 ? 1 : 3;
            for (int i = 0; i < sizes[l]; i++) {
                g.setColor(colour(m.assignments().get(l)[i]));
                g.fillOval(x - r, (int) ys[l][i] - r, 2 * r, 2 * r);
            }
        }
        g.dispose();
        AtomicFiles.write(png, tmp -> ImageIO.write(img, "png", tmp.toFile()));
    }

    private static int x(int l, int columns, int width) {
        return 60 + (width - 120) * l / Math.max(1, columns - 1);
    }

    private static int[] sortedByModule(int[] modules) {
        Integer[] idx = new Integer[modules.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, java.util.Comparator.comparingInt((Integer i) -> modules[i] < 0 ? Integer.MAX_VALUE
                : modules[i]).thenComparingInt(i -> i));
        return java.util.Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
    }
}
