package mrisr.engine;

/** One recorded op in the autograd graph: its inputs and its backward rule. */
final class Node {
    final String op;
    final Tensor[] inputs;
    Autograd.Backward backward;

    Node(String op, Tensor[] inputs, Autograd.Backward backward) {
        this.op = op;
        this.inputs = inputs;
        this.backward = backward;
    }
}
