package mrisr.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import mrisr.engine.Grad;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;

/**
 * Finite-difference check of a module's gradients with respect to its input and every parameter:
 * for a fixed random projection {@code R}, {@code L = Σ module(x)·R} is differentiated by backward
 * and by central differences (in double) perturbing one element at a time, parameters in place.
 */
final class ModuleGradCheck {
    private ModuleGradCheck() {}

    static void check(String label, Module m, Tensor input, double eps, double atol, double rtol) {
        Tensor x = input.detach().mul(1.0).requiresGrad(true);
        m.zeroGrad();
        Tensor out = m.forward(x);
        Rng rng = new Rng(0x5EED);
        float[] r = new float[out.numel()];
        for (int i = 0; i < r.length; i++) r[i] = (float) rng.nextGaussian();
        Tensor projection = Tensor.fromArray(r, out.shape());
        out.backward(projection, false);

        List<Tensor> targets = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<float[]> analytic = new ArrayList<>();
        targets.add(x);
        names.add("input");
        analytic.add(x.grad().toArray());
        for (var e : m.namedParameters().entrySet()) {
            targets.add(e.getValue().data());
            names.add(e.getKey());
            Tensor g = e.getValue().grad();
            analytic.add(g == null ? new float[e.getValue().numel()] : g.toArray());
        }
        for (int t = 0; t < targets.size(); t++) {
            Tensor target = targets.get(t);
            float[] base = target.toArray();
            for (int j = 0; j < base.length; j++) {
                double plus = projected(m, x, target, base, j, eps, r);
                double minus = projected(m, x, target, base, j, -eps, r);
                set(target, base);
                double numeric = (plus - minus) / (2 * eps);
                double a = analytic.get(t)[j];
                double tol = atol + rtol * Math.max(Math.abs(a), Math.abs(numeric));
                if (!(Math.abs(a - numeric) <= tol)) {
                    throw new AssertionError(String.format(Locale.ROOT, "%s: gradient of %s at flat index %d: analytic %.6g, numeric %.6g",
                            label, names.get(t), j, a, numeric));
                }
            }
        }
    }

    private static double projected(Module m, Tensor x, Tensor target, float[] base, int j, double delta, float[] r) {
        float[] v = base.clone();
        v[j] = (float) (v[j] + delta);
        set(target, v);
        try (var _ = Grad.off()) {
            float[] y = m.forward(x.detach()).toArray();
            double s = 0;
            for (int k = 0; k < y.length; k++) s += (double) y[k] * r[k];
            return s;
        }
    }

    private static void set(Tensor target, float[] values) {
        try (var _ = Grad.off()) {
            target.copyFrom_(Tensor.fromArray(values, target.shape()));
        }
    }
}
