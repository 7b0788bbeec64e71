package mrisr.sr.methods.unfolding;

import java.util.List;
import mrisr.engine.Index;
import mrisr.engine.Rng;
import mrisr.engine.Shape;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;
import mrisr.nn.Conv3d;
import mrisr.nn.ConvNd;
import mrisr.nn.Module;
import mrisr.nn.Parameter;
import mrisr.sr.nets.DnCnn;

/**
 * One stage of the learned unrolled network: the stage's data-consistency weight
 * {@code μ_k = γ_H·exp(log_mu)} (relative to the DC gain {@code γ_H} of the forward model) and its
 * prior step, a small residual 3-D CNN conditioned on {@code λ_k = exp(log_lambda)}:
 * <pre>
 *   prior_k(z) = z + W₃ ∗ relu(W₂ ∗ relu(W₁ ∗ [z, λ_k·𝟙] + b₁) + b₂) + b₃
 * </pre>
 * on {@code [N, 1, D, H, W]}, with {@code W₁ : [F, 2, 3, 3, 3]}, {@code W₂ : [F, F, 3, 3, 3]},
 * {@code W₃ : [1, F, 3, 3, 3]}, replicate padding (a constant volume stays constant through every
 * filter, also at the borders), and {@code λ_k} as a constant second input channel (the noise-level
 * map of USRNet). {@code W₃} and {@code b₃} start at zero, so an untrained stage's prior is the
 * identity and its gradient reaches every weight from the second step on.
 *
 * <p>State-dict entries: {@code log_mu [1]}, {@code log_lambda [1]}, {@code conv1.weight},
 * {@code conv1.bias}, {@code conv2.*}, {@code conv3.*}.
 *
 * <p>With a shared denoiser ({@link #UnfoldingStage(DnCnn, double, double)}) the prior step is
 * instead {@code prior_k(z) = D([z, λ_k·𝟙])}, the {@link DnCnn} that every stage shares (registered
 * once, by the network), with {@code λ_k} as its noise-level input: plug-and-play HQS unrolled with
 * a learned schedule (USRNet's design); the stage's own entries are then only {@code log_mu} and
 * {@code log_lambda}.
 */
final class UnfoldingStage extends Module {
    private static final int[] K3 = {3, 3, 3}, ONE = {1, 1, 1};
    private final Parameter logMu, logLambda;
    private final Conv3d conv1, conv2, conv3;
    private final DnCnn denoiser;

    /**
     * @param features hidden channels {@code F ≥ 1}
     * @param mu       initial relative weight {@code exp(log_mu)} (&gt; 0)
     * @param lambda   initial {@code λ_k} (&gt; 0)
     * @param rng      draws the PyTorch-default initialisation of {@code W₁, W₂}
     */
    UnfoldingStage(int features, double mu, double lambda, Rng rng) {
        logMu = registerParameter("log_mu", Tensor.full((float) Math.log(mu), 1));
        logLambda = registerParameter("log_lambda", Tensor.full((float) Math.log(lambda), 1));
        conv1 = registerModule("conv1", conv(2, features, rng));
        conv2 = registerModule("conv2", conv(features, features, rng));
        conv3 = registerModule("conv3", conv(features, 1, rng));
        conv3.weight().copyFrom(Tensor.zeros(conv3.weight().shape()));
        conv3.bias().copyFrom(Tensor.zeros(1));
        denoiser = null;
    }

    /**
     * A stage whose prior is the shared {@code denoiser} (not registered here).
     *
     * @param mu     initial relative weight {@code exp(log_mu)} (&gt; 0)
     * @param lambda initial {@code λ_k}, the denoiser's noise level (&gt; 0)
     */
    UnfoldingStage(DnCnn denoiser, double mu, double lambda) {
        logMu = registerParameter("log_mu", Tensor.full((float) Math.log(mu), 1));
        logLambda = registerParameter("log_lambda", Tensor.full((float) Math.log(lambda), 1));
        conv1 = conv2 = conv3 = null;
        this.denoiser = denoiser;
    }

    /** Voxels each prior output sees to each side. */
    int halo() {
        return denoiser != null ? denoiser.receptiveRadius() : UnfoldedNetwork.PRIOR_HALO;
    }

    private static Conv3d conv(int in, int out, Rng rng) {
        return new Conv3d(in, out, K3, ONE, ONE, ONE, 1, true, ConvNd.PaddingMode.REPLICATE, rng);
    }

    /** {@code μ_k = γ·exp(log_mu)}, shape {@code [1]}, differentiable in {@code log_mu}. */
    Tensor mu(double gain) {
        return logMu.data().exp().mul(gain);
    }

    /** {@code λ_k = exp(log_lambda)}, shape {@code [1]}. */
    Tensor lambda() {
        return logLambda.data().exp();
    }

    /** The prior step on {@code z : [N, 1, D, H, W]} (not modified). */
    @Override
    public Tensor forward(Tensor z) {
        int[] s = z.shape();
        if (s.length != 5 || s[1] != 1) throw new ShapeException("unfolding stage", "input has shape " + Shape.format(s) + ", expected [N,1,D,H,W]");
        Tensor lambdaMap = lambda().reshape(1, 1, 1, 1, 1).expand(s[0], 1, s[2], s[3], s[4]);
        if (denoiser != null) return denoiser.forward(Index.cat(List.of(z, lambdaMap), 1));
        Tensor h = conv1.forward(Index.cat(List.of(z, lambdaMap), 1)).relu();
        h = conv2.forward(h).relu();
        return z.add(conv3.forward(h));
    }
}
