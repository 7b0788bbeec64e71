package mrisr.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import mrisr.engine.Grad;
import mrisr.engine.Shape;
import mrisr.engine.Tensor;

/**
 * A node of a network: owns parameters, buffers and child modules, registered in declaration order
 * under names that form PyTorch's {@code state_dict} keys ({@code body.0.conv1.weight}).
 *
 * <p>A subclass registers what it owns in its constructor (field initialisers work too) and
 * implements {@link #forward}. Parameters are trained; buffers are state that is saved but not
 * trained (BatchNorm's running statistics); non-persistent buffers are neither saved nor loaded.
 * {@link #stateDict()} lists, for each module depth-first in registration order, its parameters,
 * then its persistent buffers, then its children — PyTorch's order, so checkpoints line up key for
 * key. Train/eval mode ({@link #train}, {@link #eval}) switches dropout and batch statistics and
 * applies to the whole subtree.
 *
 * <pre>{@code
 * final class Block extends Module {
 *     private final Conv3d conv1 = registerModule("conv1", new Conv3d(8, 8, 3, 1, 1, rng));
 *     private final Conv3d conv2 = registerModule("conv2", new Conv3d(8, 8, 3, 1, 1, rng));
 *     public Tensor forward(Tensor x) { return x.add(conv2.forward(conv1.forward(x).relu())); }
 * }
 * }</pre>
 */
public abstract class Module {
    private final LinkedHashMap<String, Parameter> parameters = new LinkedHashMap<>();
    private final LinkedHashMap<String, Tensor> buffers = new LinkedHashMap<>();
    private final Set<String> nonPersistent = new HashSet<>();
    private final LinkedHashMap<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** The forward pass. Implementations must not modify {@code x}. */
    public abstract Tensor forward(Tensor x);

    /**
     * The output shape and multiply-accumulate count of one forward pass for an input of shape
     * {@code inputShape}, from shapes alone (see {@link Cost} for the counting convention). Every
     * layer in this package implements it; a custom module overrides it by chaining its children's
     * costs in the order its forward pass uses them.
     *
     * @throws UnsupportedOperationException when the module does not describe its cost
     * @throws mrisr.engine.ShapeException   when the input shape does not fit the module
     */
    public Cost cost(int... inputShape) {
        throw new UnsupportedOperationException(getClass().getSimpleName()
                + " does not describe its cost; override Module.cost(int...)");
    }

    /** Multiply-accumulate operations of one forward pass for an input of shape {@code inputShape}. */
    public final long macs(int... inputShape) {
        return cost(inputShape).macs();
    }

    // ------------------------------------------------------------------ registration

    /**
     * Registers a parameter under {@code name}.
     *
     * @return {@code parameter}, to assign to a field
     * @throws IllegalArgumentException when the name is empty, contains a dot, or is taken
     */
    protected final Parameter registerParameter(String name, Parameter parameter) {
        checkName(name);
        parameters.put(name, Objects.requireNonNull(parameter, "parameter " + name));
        return parameter;
    }

    /** Registers a new parameter holding a copy of {@code initial} (not modified). */
    protected final Parameter registerParameter(String name, Tensor initial) {
        return registerParameter(name, new Parameter(initial));
    }

    /**
     * Registers a persistent buffer: saved and loaded with the state dict, not trained. Loading
     * copies into this very tensor, so keeping it in a field is safe.
     *
     * @param buffer a tensor that does not require a gradient (kept, and modified by loading)
     * @return {@code buffer}
     */
    protected final Tensor registerBuffer(String name, Tensor buffer) {
        return registerBuffer(name, buffer, true);
    }

    /** Registers a buffer; a non-persistent one is left out of the state dict. */
    protected final Tensor registerBuffer(String name, Tensor buffer, boolean persistent) {
        checkName(name);
        Objects.requireNonNull(buffer, "buffer " + name);
        if (buffer.requiresGrad()) {
            throw new IllegalArgumentException("buffer '" + name + "' requires grad; register it as a parameter");
        }
        buffers.put(name, buffer);
        if (!persistent) nonPersistent.add(name);
        return buffer;
    }

    /**
     * Registers a child module; its entries appear under {@code name.}.
     *
     * @return {@code module}, to assign to a field
     */
    protected final <M extends Module> M registerModule(String name, M module) {
        checkName(name);
        Objects.requireNonNull(module, "module " + name);
        if (module == this || ((Module) module).contains(this)) {
            throw new IllegalArgumentException("registering '" + name + "' would make the module tree cyclic");
        }
        children.put(name, module);
        module.train(training);
        return module;
    }

    private boolean contains(Module target) {
        for (Module c : children.values()) if (c == target || c.contains(target)) return true;
        return false;
    }

    private void checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("invalid name '" + name + "': must be non-empty and contain no '.'");
        }
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " already has an entry named '" + name + "'");
        }
    }

    // ------------------------------------------------------------------ mode

    /** Sets training mode on this module and all descendants; returns {@code this} (modified). */
    public Module train(boolean mode) {
        training = mode;
        for (Module c : children.values()) c.train(mode);
        return this;
    }

    /** Training mode (dropout active, batch statistics used and updated). */
    public Module train() {
        return train(true);
    }

    /** Evaluation mode (dropout off, running statistics used). */
    public Module eval() {
        return train(false);
    }

    public boolean isTraining() {
        return training;
    }

    // ------------------------------------------------------------------ traversal

    /** Direct children by name, in registration order (unmodifiable). */
    public Map<String, Module> namedChildren() {
        return Collections.unmodifiableMap(children);
    }

    /** This module's own parameters by local name, in registration order (unmodifiable). */
    public Map<String, Parameter> localParameters() {
        return Collections.unmodifiableMap(parameters);
    }

    /** This module's own buffers by local name, in registration order (unmodifiable). */
    public Map<String, Tensor> localBuffers() {
        return Collections.unmodifiableMap(buffers);
    }

    /**
     * Every module of the subtree by dotted name (the root is {@code ""}), depth-first in
     * registration order; a module registered twice appears once, under its first name.
     */
    public Map<String, Module> namedModules() {
        LinkedHashMap<String, Module> out = new LinkedHashMap<>();
        collectModules("", this, out, new IdentityHashMap<>());
        return out;
    }

    private static void collectModules(String prefix, Module m, Map<String, Module> out, Map<Module, Boolean> seen) {
        if (seen.put(m, Boolean.TRUE) != null) return;
        out.put(prefix, m);
        for (var e : m.children.entrySet()) collectModules(join(prefix, e.getKey()), e.getValue(), out, seen);
    }

    /** Every module of the subtree, root first. */
    public List<Module> modules() {
        return new ArrayList<>(namedModules().values());
    }

    /** Calls {@code fn} on every module of the subtree, children before parents (like PyTorch's {@code apply}). */
    public Module apply(Consumer<Module> fn) {
        for (Module c : children.values()) c.apply(fn);
        fn.accept(this);
        return this;
    }

    /**
     * Every parameter of the subtree by dotted name, in state-dict order; a parameter shared between
     * modules appears once, under its first name.
     */
    public Map<String, Parameter> namedParameters() {
        LinkedHashMap<String, Parameter> out = new LinkedHashMap<>();
        IdentityHashMap<Parameter, Boolean> seen = new IdentityHashMap<>();
        for (var e : namedModules().entrySet()) {
            for (var p : e.getValue().parameters.entrySet()) {
                if (seen.put(p.getValue(), Boolean.TRUE) == null) out.put(join(e.getKey(), p.getKey()), p.getValue());
            }
        }
        return out;
    }

    /** The distinct parameters of the subtree, in state-dict order. */
    public List<Parameter> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Every buffer of the subtree by dotted name (persistent or not). */
    public Map<String, Tensor> namedBuffers() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        for (var e : namedModules().entrySet()) {
            for (var b : e.getValue().buffers.entrySet()) out.putIfAbsent(join(e.getKey(), b.getKey()), b.getValue());
        }
        return out;
    }

    /** Clears the gradient of every parameter of the subtree. */
    public void zeroGrad() {
        for (Parameter p : parameters()) p.zeroGrad();
    }

    /** Number of scalar values in the distinct parameters of the subtree. */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : parameters()) n += p.numel();
        return n;
    }

    /** Number of scalar values in the distinct parameters that require a gradient. */
    public long trainableParameterCount() {
        long n = 0;
        for (Parameter p : parameters()) if (p.requiresGrad()) n += p.numel();
        return n;
    }

    // ------------------------------------------------------------------ state dict

    /**
     * The parameters and persistent buffers of the subtree by dotted name, in PyTorch's order: for
     * each module, its parameters, then its buffers, then its children. Values are detached views
     * sharing storage with the module (a later optimiser step changes them; copy to snapshot).
     * Shared parameters appear under every name they are registered with, as in PyTorch.
     */
    public Map<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        collectState("", out);
        return out;
    }

    private void collectState(String prefix, Map<String, Tensor> out) {
        for (var p : parameters.entrySet()) out.put(join(prefix, p.getKey()), p.getValue().data().detach());
        for (var b : buffers.entrySet()) {
            if (!nonPersistent.contains(b.getKey())) out.put(join(prefix, b.getKey()), b.getValue());
        }
        for (var c : children.entrySet()) c.getValue().collectState(join(prefix, c.getKey()), out);
    }

    /** What {@link #loadStateDict} left out: keys the module has that the dict lacked, and the reverse. */
    public record LoadResult(List<String> missingKeys, List<String> unexpectedKeys) {
        public LoadResult {
            missingKeys = List.copyOf(missingKeys);
            unexpectedKeys = List.copyOf(unexpectedKeys);
        }
    }

    /**
     * Copies values from {@code state} into this module's parameters and persistent buffers, in
     * place and outside autograd. Everything is checked before anything is copied, so a refused
     * dict leaves the module unchanged.
     *
     * @param state  values by dotted name (not modified)
     * @param strict when true, missing and unexpected keys are errors; shape mismatches always are
     * @return the missing and unexpected keys (both empty after a successful strict load)
     * @throws StateDictException listing every missing, unexpected and mismatched key
     */
    public LoadResult loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Tensor> targets = stateDict();
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), mismatched = new ArrayList<>();
        for (var e : targets.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src == null) {
                missing.add(e.getKey());
            } else if (!Arrays.equals(src.shape(), e.getValue().shape())) {
                mismatched.add(e.getKey() + ": copying a tensor of shape " + Shape.format(src.shape())
                        + " from the state dict, the shape in the current model is " + Shape.format(e.getValue().shape()));
            }
        }
        for (String k : state.keySet()) if (!targets.containsKey(k)) unexpected.add(k);
        if (!mismatched.isEmpty() || (strict && (!missing.isEmpty() || !unexpected.isEmpty()))) {
            StringBuilder b = new StringBuilder("Error(s) in loading state_dict for ").append(getClass().getSimpleName()).append(':');
            if (strict && !missing.isEmpty()) b.append("\n\tMissing key(s) in state_dict: ").append(quoted(missing)).append('.');
            if (strict && !unexpected.isEmpty()) b.append("\n\tUnexpected key(s) in state_dict: ").append(quoted(unexpected)).append('.');
            for (String m : mismatched) b.append("\n\tsize mismatch for ").append(m).append('.');
            throw new StateDictException(b.toString(), missing, unexpected, mismatched);
        }
        try (var _ = Grad.off()) {
            for (var e : targets.entrySet()) {
                Tensor src = state.get(e.getKey());
                if (src != null) e.getValue().copyFrom_(src.detach());
            }
        }
        return new LoadResult(missing, unexpected);
    }

    /** {@link #loadStateDict(Map, boolean)} with {@code strict = true}. */
    public LoadResult loadStateDict(Map<String, Tensor> state) {
        return loadStateDict(state, true);
    }

    private static String quoted(List<String> keys) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < keys.size(); i++) {
            if (i > 0) b.append(", ");
            b.append('"').append(keys.get(i)).append('"');
        }
        return b.toString();
    }

    private static String join(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }

    // ------------------------------------------------------------------ printing

    /** One-line description of this module's own configuration, e.g. {@code in=4, out=8}; empty by default. */
    protected String extraRepr() {
        return "";
    }

    /** PyTorch-style tree: {@code Sequential(\n  (0): Linear(in=4, out=8)\n)}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(getClass().getSimpleName()).append('(').append(extraRepr());
        if (!children.isEmpty()) {
            b.append('\n');
            for (var c : children.entrySet()) {
                String child = c.getValue().toString().replace("\n", "\n  ");
                b.append("  (").append(c.getKey()).append("): ").append(child).append('\n');
            }
        }
        return b.append(')').toString();
    }
}
