package mrisr.nn;

import java.util.Arrays;
import mrisr.engine.Shape;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;

/**
 * A residual connection {@code y = shortcut(x) + scale·body(x)}, where the shortcut is the identity
 * unless a projection module is given (a 1×1 convolution when the body changes the channel count).
 * The scale is EDSR's residual scaling (1 by default; 0.1 for very deep networks). Children:
 * {@code body} and, when present, {@code shortcut}.
 *
 * <pre>{@code
 * Module block = new Residual(new Sequential(conv1, new ReLU(), conv2), 0.1);
 * }</pre>
 */
public final class Residual extends Module {
    private final Module body;
    private final Module shortcut;
    private final double scale;

    /** {@code x + body(x)}. */
    public Residual(Module body) {
        this(body, null, 1.0);
    }

    /** {@code x + scale·body(x)}. */
    public Residual(Module body, double scale) {
        this(body, null, scale);
    }

    /**
     * @param body     the residual branch
     * @param shortcut projection applied to {@code x}, or null for the identity
     * @param scale    factor on the body's output
     */
    public Residual(Module body, Module shortcut, double scale) {
        this.body = registerModule("body", body);
        this.shortcut = shortcut == null ? null : registerModule("shortcut", shortcut);
        this.scale = scale;
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor b = body.forward(x);
        Tensor s = shortcut == null ? x : shortcut.forward(x);
        if (!Arrays.equals(b.shape(), s.shape())) {
            throw new ShapeException("Residual", "body output " + Shape.format(b.shape()) + " differs from shortcut "
                    + Shape.format(s.shape()));
        }
        return s.add(scale == 1.0 ? b : b.mul(scale));
    }

    @Override
    public Cost cost(int... inputShape) {
        Cost b = body.cost(inputShape);
        Cost s = shortcut == null ? new Cost(inputShape, 0) : shortcut.cost(inputShape);
        if (!Arrays.equals(b.outputShape(), s.outputShape())) {
            throw new ShapeException("Residual", "body output " + Shape.format(b.outputShape()) + " differs from shortcut "
                    + Shape.format(s.outputShape()));
        }
        return new Cost(b.outputShape(), Math.addExact(b.macs(), s.macs()));
    }

    @Override
    protected String extraRepr() {
        return scale == 1.0 ? "" : "scale=" + scale;
    }
}
