package mrisr.sr.methods.modelbased;

import mrisr.sr.methods.SrMethod;

/**
 * A super-resolution method that solves a regularised inverse problem (survey Eq. 3,
 * {@code argmin_x D(Hx, y) + λ R(x)}) with an iterative solver, so that the command line can set
 * the regularisation weight λ and the iteration cap ({@code mrisr sr --lambda L --iters N}).
 *
 * <pre>{@code
 * SrMethod tv = ((RegularizedMethod) Methods.get("tv")).withLambda(0.02).withMaxIterations(500);
 * }</pre>
 */
public interface RegularizedMethod extends SrMethod {

    /** The regularisation weight λ (dimensionless; each method documents its normalisation). */
    double lambda();

    /** The iteration cap. */
    int maxIterations();

    /**
     * The same method with weight {@code lambda}.
     *
     * @throws mrisr.sr.InputException unless {@code lambda} is finite and ≥ 0; a method that needs
     *     {@code lambda > 0} (the plug-and-play methods) also rejects 0 and says so
     */
    RegularizedMethod withLambda(double lambda);

    /**
     * The same method with iteration cap {@code iterations}.
     *
     * @throws mrisr.sr.InputException unless {@code iterations ≥ 1}
     */
    RegularizedMethod withMaxIterations(int iterations);
}
