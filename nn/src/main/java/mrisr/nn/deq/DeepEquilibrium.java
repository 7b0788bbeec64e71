package mrisr.nn.deq;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import mrisr.engine.Autograd;
import mrisr.engine.Grad;
import mrisr.engine.Shape;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;

/**
 * A deep equilibrium layer (Bai, Kolter &amp; Koltun 2019): its output is the fixed point
 * {@code z* = f(z*; θ)} of an {@link EquilibriumMap}, found by a {@link FixedPointSolver}, and it is
 * one autograd op ({@code "deq"}) whatever the number of solver iterations.
 *
 * <p><b>Forward.</b> The solver iterates {@code f} from {@code z0} with recording off, so no graph is
 * kept for the iterations (memory is that of one evaluation of {@code f} plus the solver's history).
 *
 * <p><b>Backward</b> ({@link Gradient#IMPLICIT}). By the implicit function theorem, for a loss
 * {@code L(z*)} with {@code v = ∂L/∂z*},
 * <pre>
 *   ∂L/∂θ = (∂f/∂θ)ᵀ g,   where g solves   g = (∂f/∂z)ᵀ g + v     (at z*)
 * </pre>
 * ({@code g = (I − J)⁻ᵀ v}, {@code J = ∂f/∂z}). The layer records one graph of {@code f} at
 * {@code z*} with only {@code z} requiring a gradient, solves the adjoint fixed point with the
 * backward solver from {@code g₀ = v}, each iteration one vector–Jacobian product
 * ({@code backward(g, retainGraph = true)} on that graph), then makes one more vector–Jacobian product
 * {@code (∂f/∂inputs)ᵀ g} on a second graph of {@code f} whose leaves are stand-ins for the inputs;
 * those gradients are returned to the engine, which passes them on to the inputs (parameters
 * accumulate, upstream ops back-propagate). The stand-ins keep the inner backward passes from
 * touching the caller's gradients or graph. This needs {@code I − J} invertible; a contraction
 * ({@code ‖J‖ < 1}) guarantees it, and the adjoint iteration then converges at the forward rate.
 *
 * <p>{@link Gradient#JACOBIAN_FREE} (Fung et al. 2022) skips the adjoint solve and uses
 * {@code g = v} (one vector–Jacobian product): cheaper, a descent direction for contractive
 * {@code f}, but not the exact gradient.
 *
 * <p>Non-convergence in either direction is never silent: the solver returns its best iterate and
 * sends a warning line to the layer's sink.
 *
 * <pre>{@code
 * DeepEquilibrium deq = DeepEquilibrium.of(Anderson.defaults());
 * Equilibrium eq = deq.solve((z, in) -> in[0].matmul(z).add(in[1]).tanh(), Tensor.zeros(n, 1), w.data(), x);
 * eq.z().sum().backward();                      // w.grad(), x.grad() by implicit differentiation
 * }</pre>
 */
public final class DeepEquilibrium {

    /** How the backward pass obtains {@code ∂L/∂θ}. */
    public enum Gradient {
        /** Exact: solve the adjoint fixed point {@code g = Jᵀg + v}, then one vector–Jacobian product. */
        IMPLICIT,
        /** Approximate: {@code g = v}, one vector–Jacobian product (Jacobian-free backpropagation). */
        JACOBIAN_FREE
    }

    private final FixedPointSolver forward, adjoint;
    private final Gradient gradient;
    private final Consumer<String> warnings;

    /**
     * @param forward  solves {@code z = f(z)}
     * @param adjoint  solves {@code g = Jᵀg + v} in the backward pass (unused with {@link Gradient#JACOBIAN_FREE})
     * @param gradient the backward mode
     * @param warnings receives one line per solve that did not converge
     */
    public DeepEquilibrium(FixedPointSolver forward, FixedPointSolver adjoint, Gradient gradient,
            Consumer<String> warnings) {
        this.forward = Objects.requireNonNull(forward, "forward solver");
        this.adjoint = Objects.requireNonNull(adjoint, "adjoint solver");
        this.gradient = Objects.requireNonNull(gradient, "gradient");
        this.warnings = Objects.requireNonNull(warnings, "warnings");
    }

    /** The same solver both ways, implicit gradients, warnings to {@code System.err}. */
    public static DeepEquilibrium of(FixedPointSolver solver) {
        return new DeepEquilibrium(solver, solver, Gradient.IMPLICIT, System.err::println);
    }

    /** This layer with another backward mode. */
    public DeepEquilibrium withGradient(Gradient g) {
        return new DeepEquilibrium(forward, adjoint, g, warnings);
    }

    /** This layer sending its warnings to {@code sink}. */
    public DeepEquilibrium withWarnings(Consumer<String> sink) {
        return new DeepEquilibrium(forward, adjoint, gradient, sink);
    }

    public FixedPointSolver forwardSolver() {
        return forward;
    }

    public FixedPointSolver adjointSolver() {
        return adjoint;
    }

    public Gradient gradient() {
        return gradient;
    }

    /**
     * Finds {@code z* = f(z*; inputs)} from {@code z0}.
     *
     * @param f      the map (see {@link EquilibriumMap} for its contract)
     * @param z0     the start (not modified; no gradient flows to it: {@code z*} does not depend on it)
     * @param inputs what {@code f} depends on besides {@code z}: parameters, injected features, data
     *               (not modified; those that require a gradient receive one through the engine)
     * @return the fixed point, recorded as op {@code "deq"} when any input requires a gradient
     */
    public Equilibrium solve(EquilibriumMap f, Tensor z0, Tensor... inputs) {
        Objects.requireNonNull(f, "map");
        Tensor[] ins = inputs.clone();
        for (int i = 0; i < ins.length; i++) Objects.requireNonNull(ins[i], "input " + i);
        Tensor[] constants = detached(ins, false);
        int[] shape = z0.shape();
        FixedPointResult fwd;
        try (var g = Grad.off()) {
            fwd = forward.solve(z -> checked(f.apply(z, constants), shape, "deq forward"), z0.detach(),
                    line -> warnings.accept("deq forward: " + line));
        }
        Tensor out = fwd.z();
        Equilibrium eq = new Equilibrium(out, fwd);
        if (Autograd.needsGrad(ins)) {
            Tensor zStar = out.detach();
            Autograd.record("deq", out, v -> backward(f, zStar, ins, v, eq), ins);
        }
        return eq;
    }

    /** The backward rule; runs with recording off (the engine's convention) and turns it on where it builds graphs. */
    private Tensor[] backward(EquilibriumMap f, Tensor zStar, Tensor[] inputs, Tensor v, Equilibrium eq) {
        Tensor g = v;
        if (gradient == Gradient.IMPLICIT) {
            Tensor zLeaf = zStar.detach().requiresGrad(true);
            Tensor fz;
            try (var on = Grad.on()) {
                fz = checked(f.apply(zLeaf, detached(inputs, false)), zStar.shape(), "deq backward");
            }
            UnaryOperator<Tensor> adjointMap;
            if (!fz.requiresGrad()) {
                adjointMap = u -> v; // f does not depend on z: J = 0
            } else {
                adjointMap = u -> {
                    zLeaf.zeroGrad();
                    fz.backward(u, true);
                    Tensor jtu = zLeaf.grad();
                    return jtu == null ? v : jtu.add(v);
                };
            }
            FixedPointResult r = adjoint.solve(adjointMap, v, line -> warnings.accept("deq backward: " + line));
            eq.adjoint(r);
            g = r.z();
        }
        Tensor[] leaves = detached(inputs, true);
        Tensor fz;
        try (var on = Grad.on()) {
            fz = checked(f.apply(zStar.detach(), leaves), zStar.shape(), "deq backward");
        }
        if (fz.requiresGrad()) fz.backward(g, false);
        Tensor[] grads = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) grads[i] = inputs[i].requiresGrad() ? leaves[i].grad() : null;
        return grads;
    }

    /** Stand-ins sharing the inputs' storage, cut from their graphs; leaves needing a gradient when {@code track}. */
    private static Tensor[] detached(Tensor[] inputs, boolean track) {
        Tensor[] out = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            out[i] = inputs[i].detach();
            if (track && inputs[i].requiresGrad()) out[i].requiresGrad(true);
        }
        return out;
    }

    private static Tensor checked(Tensor fz, int[] shape, String where) {
        if (!Arrays.equals(fz.shape(), shape)) {
            throw new ShapeException(where, "the map returned " + Shape.format(fz.shape()) + " for z of shape "
                    + Shape.format(shape) + "; a fixed-point map must keep the shape");
        }
        return fz;
    }
}
