package mrisr.sr.methods.selfsup;

import java.util.Locale;
import java.util.function.Consumer;
import mrisr.engine.Grad;
import mrisr.engine.Tensor;
import mrisr.nn.Module;

/**
 * Runs a trained 2-D network over every plane of a 3-D array in one orientation and adds the
 * results into an accumulator: plane {@code t} along the slicing axis is fed as an image with rows
 * along {@code hAxis} and columns along {@code wAxis}, in batches of {@code batch} planes, with
 * gradient recording off.
 */
final class SliceApplication {
    private SliceApplication() {}

    /**
     * @param net      maps {@code [N, 1, H, W]} to the same shape (not modified)
     * @param volume   the input, row-major {@code shape} (not modified)
     * @param sum      receives {@code net(plane)} added plane by plane (modified; same shape as {@code volume})
     * @param progress receives a line about every quarter of the planes
     * @param label    names the method and orientation in progress lines
     */
    static void addAlong(Module net, float[] volume, int[] shape, int hAxis, int wAxis, int batch, float[] sum,
            Consumer<String> progress, String label) {
        int sAxis = 3 - hAxis - wAxis;
        int planes = shape[sAxis], h = shape[hAxis], w = shape[wAxis];
        int chunk = Math.max(1, Math.min(batch, planes));
        int every = Math.max(1, (planes + 3) / 4);
        long start = System.nanoTime();
        try (var g = Grad.off()) {
            for (int t0 = 0; t0 < planes; t0 += chunk) {
                int nb = Math.min(chunk, planes - t0);
                float[] x = new float[nb * h * w];
                for (int b = 0; b < nb; b++) System.arraycopy(Grids.plane(volume, shape, hAxis, wAxis, t0 + b), 0, x, b * h * w, h * w);
                float[] y = net.forward(Tensor.fromArray(x, nb, 1, h, w)).toArray();
                for (int b = 0; b < nb; b++) Grids.addPlane(sum, shape, hAxis, wAxis, t0 + b, y, b * h * w);
                int done = t0 + nb;
                if (done / every != t0 / every || done == planes) {
                    double elapsed = (System.nanoTime() - start) / 1e9;
                    progress.accept(String.format(Locale.ROOT, "%s: slice %d/%d, %s elapsed, ETA %s", label, done, planes,
                            PatchTraining.seconds(elapsed), PatchTraining.seconds(elapsed / done * (planes - done))));
                }
            }
        }
    }
}
