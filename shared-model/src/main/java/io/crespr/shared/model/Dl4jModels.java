package io.crespr.shared.model;

import io.crespr.shared.InvalidInputException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;

/**
 * Export to and import from DL4J's own model zip ({@link ModelSerializer}), so a pruned model
 * runs in any DL4J application and a DL4J model can be compressed here.
 */
public final class Dl4jModels {

    private Dl4jModels() {
    }

    /** Writes the checkpoint's network (pruned weights as zeros) as a DL4J model zip. */
    public static void export(Checkpoint c, Path zip) {
        MultiLayerNetwork net = Networks.fromCheckpoint(c, null, 0);
        io.crespr.shared.report.AtomicFiles.write(zip, tmp -> ModelSerializer.writeModel(net, tmp.toFile(), false));
    }

    /** The most bytes a model zip's entries may inflate to when no other limit is given: 512 MiB. */
    public static final long DEFAULT_MAX_ZIP_BYTES = 512L * 1024 * 1024;

    /**
     * Reads a DL4J model zip file of a supported architecture (a ReLU MLP with a softmax output,
     * or LeNet-5 as built here), checked as {@link #importZip(byte[], String, String, long)} does.
     */
    public static Checkpoint importZip(Path zip, String dataset) {
        byte[] bytes;
        try {
            long size = java.nio.file.Files.size(zip);
            if (size > DEFAULT_MAX_ZIP_BYTES) {
                throw new InvalidInputException("DL4J model zip " + zip.getFileName() + " refused: " + size
                        + " bytes, more than " + DEFAULT_MAX_ZIP_BYTES);
            }
            bytes = java.nio.file.Files.readAllBytes(zip);
        } catch (IOException e) {
            throw new InvalidInputException("cannot read DL4J model zip " + zip + ": " + e, e);
        }
        return importZip(bytes, zip.getFileName().toString(), dataset, DEFAULT_MAX_ZIP_BYTES);
    }

    /**
     * Reads a DL4J model zip of a supported architecture. Weights that are exactly zero are taken
     * as pruned. The zip may come from anyone: DL4J only sees a copy with its configuration and
     * coefficients, once both are checked (no Java deserialisation, no entry inflated past
     * {@code maxBytes}, no entry but the five a model zip has, DL4J and ND4J classes only; see
     * {@code Dl4jZipCheck}).
     *
     * @param name     what to call the zip in messages and in the checkpoint's provenance
     * @param maxBytes the most bytes the zip's entries may inflate to, together
     * @throws InvalidInputException when the zip is refused or is not a supported model
     */
    public static Checkpoint importZip(byte[] zip, String name, String dataset, long maxBytes) {
        byte[] checked = Dl4jZipCheck.sanitize(zip, name, maxBytes);
        MultiLayerNetwork net;
        try {
            net = ModelSerializer.restoreMultiLayerNetwork(new java.io.ByteArrayInputStream(checked), false);
        } catch (IOException | RuntimeException e) {
            throw new InvalidInputException("not a DL4J model zip: " + name + " (" + e.getMessage() + ")", e);
        }
        Architecture arch = architectureOf(net);
        List<ParamTensor> params = Networks.params(net);
        for (ParamTensor p : params) {
            for (int i = 0; i < p.size(); i++) {
                if (!Float.isFinite(p.values()[i])) {
                    throw new InvalidInputException("DL4J model " + name + ": parameter " + p.name()
                            + " has " + p.values()[i] + " at index " + i);
                }
            }
        }
        Networks.Io io = Networks.io(arch, params);
        // The zip's layers matched by type; this also proves every parameter shape fits our build.
        Networks.setParams(Networks.build(arch, io, 0, null), params);
        Map<String, Mask> masks = new LinkedHashMap<>();
        for (ParamTensor p : params) {
            if (p.isWeight()) {
                boolean[] keep = new boolean[p.size()];
                boolean any = false;
                for (int i = 0; i < keep.length; i++) {
                    keep[i] = p.values()[i] != 0f;
                    any |= !keep[i];
                }
                if (any) {
                    masks.put(p.name(), new Mask(p.name(), keep));
                }
            }
        }
        Provenance prov = new Provenance(null, "import", List.of(new PluginRef("import", "dl4j-zip",
                Map.of("file", name))), dataset, 0, 0, Versions.current(),
                Instant.now().toString());
        return new Checkpoint(Checkpoints.newId(), arch.spec(), params, masks, ModuleMap.EMPTY, prov);
    }

    private static Architecture architectureOf(MultiLayerNetwork net) {
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < net.getnLayers(); i++) {
            layers.add(net.getLayerWiseConfigurations().getConf(i).getLayer());
        }
        String shape = layers.stream().map(l -> l.getClass().getSimpleName()).collect(Collectors.joining(","));
        boolean mlp = layers.size() >= 1 && layers.get(layers.size() - 1) instanceof OutputLayer
                && layers.subList(0, layers.size() - 1).stream().allMatch(l -> l instanceof DenseLayer
                        && ((DenseLayer) l).getActivationFn() instanceof ActivationReLU)
                && ((OutputLayer) layers.get(layers.size() - 1)).getActivationFn() instanceof ActivationSoftmax;
        if (mlp) {
            List<String> widths = new ArrayList<>();
            for (int i = 0; i < layers.size() - 1; i++) {
                widths.add(String.valueOf(((DenseLayer) layers.get(i)).getNOut()));
            }
            String spec = widths.equals(List.of("300", "100")) ? "lenet-300-100" : "mlp:" + String.join(",", widths);
            return Architecture.parse(spec);
        }
        boolean lenet5 = layers.size() == 6 && layers.get(0) instanceof ConvolutionLayer
                && layers.get(1) instanceof SubsamplingLayer && layers.get(2) instanceof ConvolutionLayer
                && layers.get(3) instanceof SubsamplingLayer && layers.get(4) instanceof DenseLayer
                && layers.get(5) instanceof OutputLayer && ((ConvolutionLayer) layers.get(0)).getNOut() == 20
                && ((ConvolutionLayer) layers.get(2)).getNOut() == 50 && ((DenseLayer) layers.get(4)).getNOut() == 500;
        if (lenet5) {
            return Architecture.parse("lenet-5");
        }
        throw new InvalidInputException("unsupported architecture in DL4J model: [" + shape
                + "]; supported: ReLU MLPs with a softmax output, and lenet-5");
    }
}
