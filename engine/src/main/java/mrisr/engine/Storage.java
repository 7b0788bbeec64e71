package mrisr.engine;

/** A flat buffer of float32 values owned by one backend; tensors are views onto it. */
public interface Storage {
    /** Number of float32 elements. */
    int size();

    /** The backend that owns this buffer. */
    Backend backend();
}
