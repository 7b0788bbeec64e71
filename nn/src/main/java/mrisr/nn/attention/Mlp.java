package mrisr.nn.attention;

import mrisr.engine.Rng;
import mrisr.engine.Shape;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;
import mrisr.nn.Cost;
import mrisr.nn.GELU;
import mrisr.nn.Linear;
import mrisr.nn.Module;

/**
 * The transformer feed-forward network (timm's and Swin's {@code Mlp}) on the last dimension:
 * {@code y = fc2(GELU(fc1(x)))}, {@code fc1: in → hidden}, {@code fc2: hidden → out}, both with bias,
 * exact GELU. Children {@code fc1}, {@code act}, {@code fc2}. Input {@code [*, in]}, output
 * {@code [*, out]}; the leading dimensions are flattened into one batch, so each layer runs a single
 * matrix product. No dropout. MACs: {@code rows·hidden·(in + out)}.
 *
 * <pre>{@code
 * Mlp mlp = new Mlp(96, 384, 96, new Rng(0));     // Swin: hidden = 4·C
 * }</pre>
 */
public final class Mlp extends Module {
    private final Linear fc1, fc2;
    private final GELU act;

    /**
     * @param in     input features
     * @param hidden hidden features
     * @param out    output features
     * @param rng    draws PyTorch's default initialisation ({@code fc1} first)
     */
    public Mlp(int in, int hidden, int out, Rng rng) {
        this.fc1 = registerModule("fc1", new Linear(in, hidden, rng));
        this.act = registerModule("act", new GELU());
        this.fc2 = registerModule("fc2", new Linear(hidden, out, rng));
    }

    public Linear fc1() {
        return fc1;
    }

    public Linear fc2() {
        return fc2;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() < 1 || x.size(-1) != fc1.inFeatures()) {
            throw new ShapeException("Mlp", "input " + Shape.format(x.shape()) + " must end in " + fc1.inFeatures() + " features");
        }
        return Tokens.rowwise(fc2, act.forward(Tokens.rowwise(fc1, x)));
    }

    @Override
    public Cost cost(int... in) {
        return fc1.cost(in).then(fc2.cost(fc1.cost(in).outputShape()));
    }
}
