package mrisr.nn.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mrisr.engine.Grad;
import mrisr.engine.Tensor;
import mrisr.nn.Parameter;

/**
 * Updates parameters from their gradients. Subclasses implement PyTorch's update rules exactly
 * ({@link Sgd}, {@link Adam}, {@link AdamW}); all arithmetic runs through tensor ops with gradient
 * recording off, so an optimiser works on whatever device the parameters live on, and parameters
 * are overwritten in place (their {@link Parameter#data()} tensors stay the same objects).
 * Parameters without a gradient are skipped, as in PyTorch.
 *
 * <p>Per-parameter state (momentum buffers, moment estimates, step counts) can be saved and restored
 * with {@link #stateDict()} / {@link #loadStateDict}, keyed {@code state.<index>.<name>} where
 * {@code index} numbers the parameters across groups in order, as PyTorch does, plus
 * {@code param_groups.<g>.lr}.
 *
 * <pre>{@code
 * Optimizer opt = new Adam(model.parameters(), 1e-3);
 * opt.zeroGrad();
 * loss(model).backward();
 * opt.step();
 * }</pre>
 */
public abstract class Optimizer {
    private final List<ParamGroup> groups;
    private final Map<Parameter, Map<String, Tensor>> state = new IdentityHashMap<>();

    protected Optimizer(List<ParamGroup> groups) {
        if (groups.isEmpty()) throw new IllegalArgumentException("optimizer got no parameter groups");
        IdentityHashMap<Parameter, Boolean> seen = new IdentityHashMap<>();
        for (ParamGroup g : groups) {
            for (Parameter p : g.params()) {
                if (seen.put(p, Boolean.TRUE) != null) {
                    throw new IllegalArgumentException("a parameter " + p + " appears in more than one place in the optimizer");
                }
            }
        }
        this.groups = List.copyOf(groups);
    }

    /** Performs one update of every parameter that has a gradient. */
    public final void step() {
        try (var _ = Grad.off()) {
            for (ParamGroup group : groups) {
                for (Parameter p : group.params()) {
                    Tensor grad = p.grad();
                    if (grad == null) continue;
                    Map<String, Tensor> s = state.computeIfAbsent(p, k -> new LinkedHashMap<>());
                    Tensor updated = update(group, p.data().detach(), grad.detach(), s);
                    p.data().copyFrom_(updated);
                }
            }
        }
    }

    /**
     * The new value of one parameter. Runs with recording off.
     *
     * @param group the parameter's group (learning rate, weight decay)
     * @param param the current values (not modified)
     * @param grad  the gradient (not modified)
     * @param state this parameter's state, empty on its first update (modified: the rule stores its
     *              buffers here under PyTorch's names)
     * @return the updated values, same shape as {@code param}
     */
    protected abstract Tensor update(ParamGroup group, Tensor param, Tensor grad, Map<String, Tensor> state);

    /** Clears the gradients of all parameters. */
    public void zeroGrad() {
        for (ParamGroup g : groups) for (Parameter p : g.params()) p.zeroGrad();
    }

    /** The parameter groups (their learning rates are mutable). */
    public List<ParamGroup> paramGroups() {
        return groups;
    }

    /** The learning rate of the first group. */
    public double lr() {
        return groups.getFirst().lr();
    }

    /** Sets the learning rate of every group. */
    public void setLr(double lr) {
        for (ParamGroup g : groups) g.setLr(lr);
    }

    /** All parameters, in group order. */
    public List<Parameter> params() {
        List<Parameter> all = new ArrayList<>();
        for (ParamGroup g : groups) all.addAll(g.params());
        return all;
    }

    /**
     * The optimiser state: {@code state.<i>.<buffer>} tensors (shared with the optimiser; copy to
     * snapshot) and {@code param_groups.<g>.lr} as 0-d tensors.
     */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        List<Parameter> all = params();
        for (int i = 0; i < all.size(); i++) {
            Map<String, Tensor> s = state.get(all.get(i));
            if (s != null) for (var e : s.entrySet()) out.put("state." + i + "." + e.getKey(), e.getValue());
        }
        for (int g = 0; g < groups.size(); g++) out.put("param_groups." + g + ".lr", Tensor.scalar((float) groups.get(g).lr()));
        return out;
    }

    /**
     * Restores state saved by {@link #stateDict()} from an optimiser of the same kind over
     * parameters of the same shapes.
     *
     * @param saved the saved entries (not modified; tensors are copied)
     * @throws IllegalArgumentException for a key this optimiser cannot hold or a buffer of the wrong shape
     */
    public void loadStateDict(Map<String, Tensor> saved) {
        List<Parameter> all = params();
        Map<Parameter, Map<String, Tensor>> restored = new IdentityHashMap<>();
        double[] lrs = new double[groups.size()];
        for (int g = 0; g < lrs.length; g++) lrs[g] = groups.get(g).lr();
        for (var e : saved.entrySet()) {
            String[] parts = e.getKey().split("\\.", 3);
            try {
                if (parts.length == 3 && parts[0].equals("state")) {
                    Parameter p = all.get(Integer.parseInt(parts[1]));
                    Tensor v = e.getValue();
                    if (!parts[2].equals("step") && !Arrays.equals(v.shape(), p.shape())) {
                        throw new IllegalArgumentException("optimizer state " + e.getKey() + " has shape "
                                + Arrays.toString(v.shape()) + ", parameter has " + Arrays.toString(p.shape()));
                    }
                    restored.computeIfAbsent(p, k -> new LinkedHashMap<>()).put(parts[2], v.detach().mul(1.0));
                } else if (parts.length == 3 && parts[0].equals("param_groups") && parts[2].equals("lr")) {
                    lrs[Integer.parseInt(parts[1])] = e.getValue().item();
                } else {
                    throw new IllegalArgumentException("unexpected optimizer state key '" + e.getKey() + "'");
                }
            } catch (NumberFormatException | IndexOutOfBoundsException ex) {
                throw new IllegalArgumentException("optimizer state key '" + e.getKey() + "' does not match this optimizer's "
                        + all.size() + " parameters in " + groups.size() + " groups");
            }
        }
        state.clear();
        state.putAll(restored);
        for (int g = 0; g < lrs.length; g++) groups.get(g).setLr(lrs[g]);
    }

    static List<ParamGroup> single(List<Parameter> params, double lr, double weightDecay) {
        return List.of(new ParamGroup(params, lr, weightDecay));
    }
}
