package mrisr.nn.attention;

import java.util.Locale;
import java.util.function.Supplier;
import mrisr.engine.Grad;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.nn.Module;
import mrisr.nn.Parameter;

/**
 * Finite-difference check of the gradients of a module's parameters (the inputs' gradients are
 * checked with {@link mrisr.engine.GradCheck}): for a fixed random projection {@code R},
 * {@code L = Σ f()·R} is differentiated by backward and by central differences in double, one
 * parameter element at a time, perturbed in place and restored.
 */
final class ParameterGradCheck {
    private ParameterGradCheck() {}

    /**
     * @param forward computes the module's output from fixed inputs (which need no gradient)
     */
    static void check(String label, Module m, Supplier<Tensor> forward, double eps, double atol, double rtol) {
        m.zeroGrad();
        Tensor out = forward.get();
        Rng rng = new Rng(0x5EED);
        float[] r = new float[out.numel()];
        for (int i = 0; i < r.length; i++) r[i] = (float) rng.nextGaussian();
        out.backward(Tensor.fromArray(r, out.shape()), false);
        for (var e : m.namedParameters().entrySet()) {
            Parameter p = e.getValue();
            float[] analytic = p.grad() == null ? new float[p.numel()] : p.grad().toArray();
            float[] base = p.data().toArray();
            for (int j = 0; j < base.length; j++) {
                double plus = projected(p, base, j, eps, forward, r);
                double minus = projected(p, base, j, -eps, forward, r);
                set(p, base);
                double numeric = (plus - minus) / (2 * eps);
                double tol = atol + rtol * Math.max(Math.abs(analytic[j]), Math.abs(numeric));
                if (!(Math.abs(analytic[j] - numeric) <= tol)) {
                    throw new AssertionError(String.format(Locale.ROOT, "%s: gradient of %s at flat index %d: analytic %.6g, numeric %.6g",
                            label, e.getKey(), j, analytic[j], numeric));
                }
            }
        }
    }

    private static double projected(Parameter p, float[] base, int j, double delta, Supplier<Tensor> forward, float[] r) {
        float[] v = base.clone();
        v[j] = (float) (v[j] + delta);
        set(p, v);
        try (var _ = Grad.off()) {
            float[] y = forward.get().toArray();
            double s = 0;
            for (int k = 0; k < y.length; k++) s += (double) y[k] * r[k];
            return s;
        }
    }

    private static void set(Parameter p, float[] values) {
        p.copyFrom(Tensor.fromArray(values, p.shape()));
    }
}
