package mrisr.engine;

/** Element type of a tensor. Compute is float32; the others are reserved for storage formats. */
public enum DType {
    FLOAT32,
    FLOAT16,
    BFLOAT16
}
