package mrisr.nn.loss;

/** How an element-wise loss combines its elements (PyTorch's {@code reduction}). */
public enum Reduction {
    /** The mean over all elements (PyTorch's default). */
    MEAN,
    /** The sum over all elements. */
    SUM,
    /** No reduction: the element-wise loss, shaped like the inputs. */
    NONE
}
