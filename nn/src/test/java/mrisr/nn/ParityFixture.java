package mrisr.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import mrisr.engine.Tensor;
import mrisr.nn.io.SafeTensors;

/**
 * Reads the PyTorch parity fixtures of {@code nn/src/test/python/make_parity_fixtures.py} (from
 * {@code /mrisr/nn/parity/} on the test class path) and compares a Java network with them. A
 * tensor matches when its relative error {@code max|got − want| / max|want|} is within the
 * tolerance: {@link #OUTPUT_TOLERANCE} for outputs, {@link #GRADIENT_TOLERANCE} for gradients
 * (see {@link #checkCase} for gradients that vanish analytically).
 */
public final class ParityFixture {
    public static final double OUTPUT_TOLERANCE = 1e-4;
    public static final double GRADIENT_TOLERANCE = 1e-3;

    private ParityFixture() {}

    /** Every tensor of the fixture file {@code name.safetensors}, as float32. */
    public static Map<String, Tensor> read(String name) throws IOException {
        Path tmp = Files.createTempFile("parity-" + name, ".safetensors");
        try (InputStream in = ParityFixture.class.getResourceAsStream("/mrisr/nn/parity/" + name + ".safetensors")) {
            assertThat(in).as("fixture %s", name).isNotNull();
            Files.write(tmp, in.readAllBytes());
            return SafeTensors.read(tmp).tensors();
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Loads {@code name.safetensors} into {@code net} strictly (PyTorch's key names). */
    public static void load(Module net, String name) throws IOException {
        Map<String, Tensor> state = read(name);
        assertThat(net.stateDict().keySet()).as("%s state dict keys", name).containsExactlyInAnyOrderElementsOf(state.keySet());
        net.loadStateDict(state);
    }

    /** {@code max|got − want| / max(max|want|, floor)}. */
    public static double relativeError(Tensor got, Tensor want, double floor) {
        float[] g = got.toArray(), w = want.toArray();
        double diff = 0;
        for (int i = 0; i < w.length; i++) diff = Math.max(diff, Math.abs((double) g[i] - w[i]));
        double scale = Math.max(maxAbs(want), floor);
        return scale == 0 ? diff : diff / scale;
    }

    private static double maxAbs(Tensor t) {
        double m = 0;
        for (float v : t.toArray()) m = Math.max(m, Math.abs(v));
        return m;
    }

    /**
     * Asserts equal shapes and {@code max|got − want| / max(max|want|, floor) ≤ tol}; returns that
     * error.
     */
    public static double assertClose(String what, Tensor got, Tensor want, double floor, double tol) {
        assertThat(got).as(what).isNotNull();
        assertThat(want).as(what + " (fixture)").isNotNull();
        assertThat(got.shape()).as(what).containsExactly(want.shape());
        double e = relativeError(got, want, floor);
        assertThat(e).as("%s: relative error", what).isLessThanOrEqualTo(tol);
        return e;
    }

    /**
     * Runs one case {@code prefix} of a fixture: feeds the inputs {@code prefix.<inputNames[i]>}
     * (as leaves requiring a gradient) to {@code forward}, compares the output with
     * {@code prefix.output}, back-propagates {@code prefix.projection} and compares the gradients of
     * the inputs and of every parameter of {@code net} with {@code prefix.grad.<name>}. A gradient
     * is measured relative to the larger of its own largest magnitude and 1e-3 of the largest
     * gradient entry of the case, so that gradients which vanish analytically (a key bias, to which
     * the softmax is blind) compare their rounding noise with the case's scale instead of with itself.
     *
     * @return the largest relative errors {@code {output, gradient}}
     */
    public static double[] checkCase(String label, Module net, Map<String, Tensor> io, String prefix, String[] inputNames,
            Function<Tensor[], Tensor> forward) {
        net.zeroGrad();
        Tensor[] inputs = new Tensor[inputNames.length];
        for (int i = 0; i < inputs.length; i++) {
            Tensor v = io.get(prefix + "." + inputNames[i]);
            assertThat(v).as("%s input %s", label, inputNames[i]).isNotNull();
            inputs[i] = v.detach().mul(1.0).requiresGrad(true);
        }
        Tensor y = forward.apply(inputs);
        double outputError = assertClose(label + " output", y, io.get(prefix + ".output"), 0, OUTPUT_TOLERANCE);
        y.backward(io.get(prefix + ".projection"), false);

        Map<String, Tensor> got = new LinkedHashMap<>();
        for (int i = 0; i < inputs.length; i++) got.put(inputNames[i], inputs[i].grad());
        for (var e : net.namedParameters().entrySet()) got.put(e.getKey(), e.getValue().grad());
        double caseScale = 0;
        for (String name : got.keySet()) {
            Tensor want = io.get(prefix + ".grad." + name);
            assertThat(want).as("%s fixture gradient of %s", label, name).isNotNull();
            caseScale = Math.max(caseScale, maxAbs(want));
        }
        double gradientError = 0;
        for (var e : got.entrySet()) {
            gradientError = Math.max(gradientError, assertClose(label + " gradient of " + e.getKey(), e.getValue(),
                    io.get(prefix + ".grad." + e.getKey()), 1e-3 * caseScale, GRADIENT_TOLERANCE));
        }
        return new double[] {outputError, gradientError};
    }
}
