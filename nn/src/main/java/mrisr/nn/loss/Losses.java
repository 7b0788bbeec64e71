package mrisr.nn.loss;

import java.util.Arrays;
import java.util.Objects;
import mrisr.engine.Shape;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;

/** Shared argument checks and reductions. */
final class Losses {
    private Losses() {}

    static void sameShape(String loss, Tensor prediction, Tensor target) {
        Objects.requireNonNull(prediction, loss + ": prediction");
        Objects.requireNonNull(target, loss + ": target");
        if (!Arrays.equals(prediction.shape(), target.shape())) {
            throw new ShapeException(loss, "prediction " + Shape.format(prediction.shape()) + " and target "
                    + Shape.format(target.shape()) + " differ");
        }
    }

    static Tensor reduce(Tensor elementwise, Reduction reduction) {
        return switch (reduction) {
            case MEAN -> elementwise.mean();
            case SUM -> elementwise.sum();
            case NONE -> elementwise;
        };
    }

    /** Spatial axes of a batched image or volume {@code [N, C, H, W]} / {@code [N, C, D, H, W]}. */
    static int spatialDims(String loss, Tensor x) {
        if (x.dim() != 4 && x.dim() != 5) {
            throw new ShapeException(loss, "input " + Shape.format(x.shape()) + " must be [N,C,H,W] or [N,C,D,H,W]");
        }
        return x.dim() - 2;
    }
}
