package mrisr.nn.optim;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import mrisr.engine.Grad;
import mrisr.engine.Tensor;
import mrisr.nn.Module;

/**
 * Exponential moving average of a model's weights (Polyak averaging, as used for EMA generators and
 * diffusion models): after each optimiser step, {@code ŵ ← d·ŵ + (1 − d)·w} for every parameter;
 * persistent buffers (running statistics) are copied. With warm-up the decay of update {@code n}
 * (1-based) is {@code min(d, (1 + n)/(10 + n))}, so early averages are not dominated by the
 * random initialisation.
 *
 * <pre>{@code
 * Ema ema = new Ema(model, 0.999, true);
 * for (...) { opt.step(); ema.update(); }
 * ema.copyTo(evalModel);          // or SafeTensors.write(path, ema.stateDict())
 * }</pre>
 */
public final class Ema {
    private final Module model;
    private final double decay;
    private final boolean warmup;
    private final Map<String, Tensor> shadow = new LinkedHashMap<>();
    private long updates;

    /**
     * Starts the average at the model's current weights.
     *
     * @param model  read on every {@link #update()}; not modified
     * @param decay  in [0, 1]
     * @param warmup use {@code min(decay, (1 + n)/(10 + n))}
     */
    public Ema(Module model, double decay, boolean warmup) {
        if (!(decay >= 0 && decay <= 1)) throw new IllegalArgumentException("EMA decay must be in [0, 1], got " + decay);
        this.model = model;
        this.decay = decay;
        this.warmup = warmup;
        try (var _ = Grad.off()) {
            for (var e : model.stateDict().entrySet()) shadow.put(e.getKey(), e.getValue().mul(1.0));
        }
    }

    /** Without warm-up. */
    public Ema(Module model, double decay) {
        this(model, decay, false);
    }

    /** The decay the next {@link #update()} will use. */
    public double currentDecay() {
        long n = updates + 1;
        return warmup ? Math.min(decay, (1.0 + n) / (10.0 + n)) : decay;
    }

    /** Folds the model's current weights into the average (buffers are copied, not averaged). */
    public void update() {
        double d = currentDecay();
        Set<Tensor> buffers = Collections.newSetFromMap(new IdentityHashMap<>());
        buffers.addAll(model.namedBuffers().values());
        try (var _ = Grad.off()) {
            for (var e : model.stateDict().entrySet()) {
                Tensor avg = shadow.get(e.getKey());
                if (avg == null) {
                    throw new IllegalStateException("EMA: the model gained the entry '" + e.getKey() + "' after the EMA was created");
                }
                Tensor w = e.getValue();
                avg.copyFrom_(buffers.contains(w) ? w : avg.mul(d).add(w.mul(1 - d)));
            }
        }
        updates++;
    }

    /** Number of updates so far. */
    public long updates() {
        return updates;
    }

    /** The averaged weights under the model's state-dict keys (shared with the EMA; copy to snapshot). */
    public Map<String, Tensor> stateDict() {
        return Collections.unmodifiableMap(shadow);
    }

    /** Loads the averaged weights into {@code target} (a model of the same architecture; modified). */
    public void copyTo(Module target) {
        target.loadStateDict(shadow, true);
    }
}
