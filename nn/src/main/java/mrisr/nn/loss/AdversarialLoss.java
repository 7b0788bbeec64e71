package mrisr.nn.loss;

import java.util.Objects;
import mrisr.engine.Ops;
import mrisr.engine.Tensor;

/**
 * GAN objectives on discriminator logits {@code C(·)} (before the sigmoid, so every log-probability
 * is a numerically stable softplus: {@code −log σ(z) = softplus(−z)}, {@code −log(1 − σ(z)) = softplus(z)}).
 * With {@code r = C(x)} on real and {@code f = C(G(y))} on generated samples, means over elements:
 * <ul>
 *   <li>{@link Kind#VANILLA} (minimax, survey Eq. 11): discriminator
 *       {@code mean softplus(−r) + mean softplus(f)}; generator {@code mean log(1 − σ(f)) = −mean softplus(f)}
 *       (saturates when the discriminator wins).
 *   <li>{@link Kind#NON_SATURATING}: same discriminator; generator {@code −mean log σ(f) = mean softplus(−f)},
 *       the form of survey Eq. 11's {@code L_G}.
 *   <li>{@link Kind#RELATIVISTIC_AVERAGE} (RaGAN, as in ESRGAN): with {@code D_Ra(a, b) = σ(a − mean b)},
 *       discriminator {@code mean softplus(−(r − mean f)) + mean softplus(f − mean r)}, generator
 *       {@code mean softplus(r − mean f) + mean softplus(−(f − mean r))}.
 * </ul>
 * For the generator step pass real logits computed without a graph (or detached); for the
 * discriminator step pass fake logits of detached generator output.
 *
 * <pre>{@code
 * var gan = new AdversarialLoss(AdversarialLoss.Kind.RELATIVISTIC_AVERAGE);
 * Tensor dLoss = gan.discriminatorLoss(disc.forward(hr), disc.forward(sr.detach()));
 * Tensor gLoss = gan.generatorLoss(disc.forward(hr).detach(), disc.forward(sr));
 * }</pre>
 */
public final class AdversarialLoss {
    /** The GAN formulation. */
    public enum Kind { VANILLA, NON_SATURATING, RELATIVISTIC_AVERAGE }

    private final Kind kind;

    public AdversarialLoss(Kind kind) {
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public Kind kind() {
        return kind;
    }

    /**
     * The discriminator's loss.
     *
     * @param realLogits {@code C(x)} on real samples (not modified)
     * @param fakeLogits {@code C(G(y))} on generated samples (not modified)
     */
    public Tensor discriminatorLoss(Tensor realLogits, Tensor fakeLogits) {
        Objects.requireNonNull(realLogits, "realLogits");
        Objects.requireNonNull(fakeLogits, "fakeLogits");
        if (kind == Kind.RELATIVISTIC_AVERAGE) {
            return Ops.softplus(realLogits.sub(fakeLogits.mean()).neg()).mean()
                    .add(Ops.softplus(fakeLogits.sub(realLogits.mean())).mean());
        }
        return Ops.softplus(realLogits.neg()).mean().add(Ops.softplus(fakeLogits).mean());
    }

    /**
     * The generator's loss.
     *
     * @param realLogits {@code C(x)} on real samples; only the relativistic loss reads it (may be null otherwise)
     * @param fakeLogits {@code C(G(y))} on generated samples (not modified)
     */
    public Tensor generatorLoss(Tensor realLogits, Tensor fakeLogits) {
        Objects.requireNonNull(fakeLogits, "fakeLogits");
        return switch (kind) {
            case VANILLA -> Ops.softplus(fakeLogits).mean().neg();
            case NON_SATURATING -> Ops.softplus(fakeLogits.neg()).mean();
            case RELATIVISTIC_AVERAGE -> {
                Objects.requireNonNull(realLogits, "realLogits (needed by the relativistic loss)");
                yield Ops.softplus(realLogits.sub(fakeLogits.mean())).mean()
                        .add(Ops.softplus(fakeLogits.sub(realLogits.mean()).neg()).mean());
            }
        };
    }
}
