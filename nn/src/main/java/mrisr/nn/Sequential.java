package mrisr.nn;

import java.util.List;
import mrisr.engine.Tensor;

/**
 * Modules applied one after another; children are named {@code 0, 1, 2…} as in PyTorch, so a
 * parameter's key is {@code body.3.weight}. Its cost is the chain of its children's costs.
 *
 * <pre>{@code
 * Sequential body = new Sequential(new Conv3d(1, 16, 3, 1, 1, rng), new ReLU(), new Conv3d(16, 1, 3, 1, 1, rng));
 * }</pre>
 */
public final class Sequential extends Module {
    private int size;

    public Sequential(Module... modules) {
        for (Module m : modules) add(m);
    }

    public Sequential(List<? extends Module> modules) {
        for (Module m : modules) add(m);
    }

    /** Appends {@code module} under the next index; returns {@code this} (modified). */
    public Sequential add(Module module) {
        registerModule(Integer.toString(size), module);
        size++;
        return this;
    }

    /** The child at {@code index}. */
    public Module get(int index) {
        if (index < 0 || index >= size) throw new IndexOutOfBoundsException("index " + index + " of a Sequential of " + size);
        return namedChildren().get(Integer.toString(index));
    }

    public int size() {
        return size;
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor y = x;
        for (Module m : namedChildren().values()) y = m.forward(y);
        return y;
    }

    @Override
    public Cost cost(int... inputShape) {
        Cost c = new Cost(inputShape, 0);
        for (Module m : namedChildren().values()) c = c.then(m.cost(c.outputShape()));
        return c;
    }
}
