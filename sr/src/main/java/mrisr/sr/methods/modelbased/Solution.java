package mrisr.sr.methods.modelbased;

import mrisr.engine.Tensor;

/**
 * The result of an iterative reconstruction: the image and how the iteration ended.
 *
 * <pre>{@code
 * Solution s = new Tikhonov().solve(h, y, x0, new double[] {1, 1, 1}, System.err::println);
 * System.out.println(s.iterations() + " iterations, ‖Hx − y‖/‖y‖ = " + s.dataResidual());
 * }</pre>
 *
 * @param x            the reconstruction, on the forward model's input grid
 * @param iterations   iterations run
 * @param converged    true when the stopping rule was met, false when the iteration cap ended the run
 * @param dataResidual {@code ‖Hx − y‖₂ / ‖y‖₂} of the returned image (0 when {@code y = 0})
 * @param stopReason   one line saying why the iteration stopped, with the final values of the
 *                     stopping criteria
 */
public record Solution(Tensor x, int iterations, boolean converged, double dataResidual, String stopReason) {}
