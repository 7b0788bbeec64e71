package mrisr.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Define-by-run reverse-mode differentiation.
 *
 * <p>An op computes its output, then calls {@link #record} with a backward rule; when recording is
 * on ({@link Grad#enabled()}) and any input requires a gradient, the output gets a {@link Node}.
 * {@link Tensor#backward()} walks the graph in reverse topological order, calling each rule once
 * with the summed upstream gradient and accumulating ({@code +=}) into the leaves' {@code grad}.
 * Rules run with recording off and may use any tensor op.
 */
public final class Autograd {
    private Autograd() {}

    /**
     * A backward rule: given the gradient of the loss with respect to the op's output, returns the
     * gradient with respect to each input (same order as the inputs; {@code null} where an input
     * needs none). Returned gradients must have the inputs' shapes.
     */
    @FunctionalInterface
    public interface Backward {
        Tensor[] apply(Tensor gradOutput);
    }

    /**
     * Attaches a graph node to {@code out} when gradients are being recorded and any input needs one.
     *
     * @param op       op name, used in error messages
     * @param out      the op's freshly computed output (modified: gets the node)
     * @param backward the rule
     * @param inputs   the op's tensor inputs (not modified)
     * @return {@code out}
     */
    public static Tensor record(String op, Tensor out, Backward backward, Tensor... inputs) {
        if (!Grad.enabled()) return out;
        boolean any = false;
        for (Tensor t : inputs) {
            if (t != null && t.requiresGrad()) {
                any = true;
                break;
            }
        }
        if (!any) return out;
        out.node = new Node(op, inputs.clone(), backward);
        out.requiresGrad = true;
        return out;
    }

    /** Whether any of the tensors will need a gradient (lets ops skip saving what backward needs). */
    public static boolean needsGrad(Tensor... inputs) {
        if (!Grad.enabled()) return false;
        for (Tensor t : inputs) if (t != null && t.requiresGrad()) return true;
        return false;
    }

    static void backward(Tensor root, Tensor seed, boolean retainGraph) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward: tensor " + Arrays.toString(root.shape())
                    + " does not require grad (no input of its graph has requiresGrad set)");
        }
        List<Tensor> order = topologicalOrder(root);
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        grads.put(root, seed);
        try (var g = Grad.off()) {
            for (int i = order.size() - 1; i >= 0; i--) {
                Tensor t = order.get(i);
                Tensor gt = grads.remove(t);
                if (gt == null) continue;
                Node node = t.node;
                if (node == null) {
                    accumulateLeaf(t, gt);
                    continue;
                }
                if (node.backward == null) {
                    throw new IllegalStateException("backward: the graph through '" + node.op
                            + "' was already freed by an earlier backward(); call backward(true) to keep it");
                }
                Tensor[] gin = node.backward.apply(gt);
                if (gin.length != node.inputs.length) {
                    throw new IllegalStateException(node.op + ": backward returned " + gin.length
                            + " gradients for " + node.inputs.length + " inputs");
                }
                for (int k = 0; k < gin.length; k++) {
                    Tensor in = node.inputs[k];
                    if (in == null || !in.requiresGrad() || gin[k] == null) continue;
                    if (!Arrays.equals(gin[k].shape(), in.shape())) {
                        throw new IllegalStateException(node.op + ": backward produced a gradient of shape "
                                + Arrays.toString(gin[k].shape()) + " for input " + k + " of shape "
                                + Arrays.toString(in.shape()));
                    }
                    Tensor prev = grads.get(in);
                    grads.put(in, prev == null ? gin[k] : prev.add(gin[k]));
                }
                if (!retainGraph) node.backward = null;
            }
        }
    }

    private static void accumulateLeaf(Tensor leaf, Tensor g) {
        if (!leaf.requiresGrad()) return;
        Tensor owned = g.contiguousCopy();
        leaf.grad = leaf.grad == null ? owned : leaf.grad.add(owned);
    }

    /** Nodes reachable from {@code root}, inputs before the ops that use them (iterative DFS). */
    private static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> order = new ArrayList<>();
        Map<Tensor, Boolean> visited = new IdentityHashMap<>();
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, 0});
        visited.put(root, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Tensor t = (Tensor) frame[0];
            int next = (Integer) frame[1];
            Tensor[] ins = t.node == null ? new Tensor[0] : t.node.inputs;
            if (next < ins.length) {
                frame[1] = next + 1;
                Tensor in = ins[next];
                if (in != null && in.requiresGrad() && visited.put(in, Boolean.TRUE) == null) {
                    stack.push(new Object[] {in, 0});
                }
            } else {
                stack.pop();
                order.add(t);
            }
        }
        return order;
    }
}
