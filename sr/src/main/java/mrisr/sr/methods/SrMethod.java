package mrisr.sr.methods;

import mrisr.sr.volume.Volume;

/**
 * A super-resolution method: turns a low-resolution volume into one on a grid {@code factors}
 * times finer.
 *
 * <p>Contract, shared by every method in {@link Methods}:
 * <ul>
 *   <li>the input is a 3-D volume {@code [nx, ny, nz]} or a series {@code [nx, ny, nz, nt]} (each
 *       frame is processed alike; the time axis is never resampled);
 *   <li>the output grid has {@link SrContext#outputShape(int[]) round(n·f)} voxels along each
 *       axis and the affine {@link Volume#resampledAffine(double[][], double[])
 *       Volume.resampledAffine(lr.affine(), factors)}, so output voxel {@code i'} is centred at
 *       input index {@code (i' + 0.5)/f − 0.5} and the result overlays the input in scanner space;
 *   <li>the input is not modified; the same input, context and seed give bit-identical output for
 *       any thread count.
 * </ul>
 *
 * <pre>{@code
 * SrMethod m = Methods.get("bspline");
 * Volume sr = m.run(lr, SrContext.of(1, 1, 4));
 * }</pre>
 */
public interface SrMethod {

    /** The name used on the command line ({@code --method NAME}): lower case, no spaces. */
    String name();

    /** One line for {@code --help} and reports: what the method does and its main assumption. */
    String description();

    /**
     * Super-resolves {@code lr}.
     *
     * @param lr  the low-resolution volume (not modified)
     * @param ctx factors per axis and the seed for methods with randomness
     * @return a new volume on the grid described by {@code ctx}
     * @throws mrisr.sr.InputException when the volume or factors cannot be processed (named in the
     *     message); {@link mrisr.engine.MemoryBudgetException} before allocating an output over the
     *     memory budget
     */
    Volume run(Volume lr, SrContext ctx);
}
