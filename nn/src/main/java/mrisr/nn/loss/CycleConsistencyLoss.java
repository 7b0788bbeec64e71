package mrisr.nn.loss;

import java.util.Objects;
import java.util.function.UnaryOperator;
import mrisr.engine.Tensor;

/**
 * Cycle consistency for unpaired training (CycleGAN), survey Eq. 12:
 * {@code L = mean|G(H(x)) − x| + mean|H(G(y)) − y|} for an upsampling map {@code G: LR → HR}
 * (the super-resolution network) and a downsampling map {@code H: HR → LR} (learned or a
 * physics model), high-resolution samples {@code x} and low-resolution samples {@code y}.
 * Gradients flow into both maps.
 *
 * <pre>{@code
 * var cycle = new CycleConsistencyLoss(generator::forward, degrader::forward);
 * Tensor loss = cycle.compute(hrBatch, lrBatch);
 * }</pre>
 */
public final class CycleConsistencyLoss {
    private final UnaryOperator<Tensor> g, h;

    /**
     * @param g the LR → HR map
     * @param h the HR → LR map
     */
    public CycleConsistencyLoss(UnaryOperator<Tensor> g, UnaryOperator<Tensor> h) {
        this.g = Objects.requireNonNull(g, "g");
        this.h = Objects.requireNonNull(h, "h");
    }

    /**
     * Both cycles; either sample may be null to use only the other one's term.
     *
     * @param hr high-resolution samples x (not modified), or null
     * @param lr low-resolution samples y (not modified), or null
     * @return a 0-d tensor
     */
    public Tensor compute(Tensor hr, Tensor lr) {
        if (hr == null && lr == null) throw new IllegalArgumentException("CycleConsistencyLoss: both samples are null");
        L1Loss l1 = new L1Loss();
        Tensor forward = hr == null ? null : l1.compute(g.apply(h.apply(hr)), hr);
        Tensor backward = lr == null ? null : l1.compute(h.apply(g.apply(lr)), lr);
        if (forward == null) return backward;
        return backward == null ? forward : forward.add(backward);
    }
}
