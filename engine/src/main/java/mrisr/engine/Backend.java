package mrisr.engine;

import mrisr.kernels.BinaryFn;
import mrisr.kernels.UnaryFn;

/**
 * Compute for one device. Every tensor op goes through a backend; {@code CpuBackend} calls the
 * array kernels of {@code mrisr.kernels}, a CUDA backend will launch PTX kernels.
 *
 * <p>Conventions: methods return new contiguous tensors and never modify their inputs unless the
 * name says so ({@code copyInto}). Inputs may be strided views unless a method says "contiguous".
 * Views themselves (reshape, permute, expand…) are metadata only and never reach the backend.
 * Op families live behind their own interfaces ({@link #conv()}, {@link #fft()}…) so each can grow
 * without touching the others.
 */
public interface Backend {
    Device device();

    /** A zero-filled buffer of {@code n} floats; checks the memory budget first. */
    Storage allocate(int n, String what);

    /** A buffer holding a copy of {@code data}. */
    Storage upload(float[] data, String what);

    /** The values of {@code t} in row-major order (a fresh array). */
    float[] download(Tensor t);

    /** {@code t}'s values in a new contiguous tensor. */
    Tensor contiguous(Tensor t);

    /** Writes (or with {@code accumulate} adds) {@code src}'s values into the view {@code dst} (modified). */
    void copyInto(Tensor dst, Tensor src, boolean accumulate);

    /** A contiguous tensor of the given shape filled with {@code value}. */
    Tensor full(int[] shape, float value);

    /** {@code fn(x)} elementwise. */
    Tensor unary(UnaryFn fn, float a, float b, Tensor x);

    /** {@code g · fn'(x)} elementwise; {@code x}, {@code y = fn(x)} and {@code g} contiguous, same shape. */
    Tensor unaryBackward(UnaryFn fn, float a, float b, Tensor x, Tensor y, Tensor g);

    /** {@code fn(a, b)} elementwise; {@code a} and {@code b} are views already expanded to the same shape. */
    Tensor binary(BinaryFn fn, Tensor a, Tensor b);

    /**
     * The gradients of {@code fn} with respect to {@code a} and {@code b} at the broadcast shape
     * (before summing over broadcast dimensions); an entry is null where {@code need} is false.
     */
    Tensor[] binaryBackward(BinaryFn fn, Tensor a, Tensor b, Tensor y, Tensor g, boolean needA, boolean needB);

    /** {@code cond != 0 ? a : b} elementwise; all three expanded to the same shape. */
    Tensor where(Tensor cond, Tensor a, Tensor b);

    /** Sums each row of a contiguous {@code [rows, len]} tensor: result {@code [rows]}. */
    Tensor sumRows(Tensor x, int rows, int len);

    /** Maximum of each row of a contiguous {@code [rows, len]} tensor: result {@code [rows]}. */
    Tensor maxRows(Tensor x, int rows, int len);

    /** Sum of all elements, accumulated in double in a fixed order. */
    double sumAll(Tensor x);

    /**
     * Batched matrix product of contiguous {@code [B, M, K]} (or {@code [B, K, M]} when {@code transA})
     * and {@code [B, K, N]} (or {@code [B, N, K]} when {@code transB}): result {@code [B, M, N]}.
     */
    Tensor bmm(Tensor a, boolean transA, Tensor b, boolean transB);

    /** Convolution kernels (2D/3D, transposed). */
    ConvBackend conv();

    /** Pooling kernels. */
    PoolBackend pool();

    /** Interpolation and pixel shuffle kernels. */
    ResampleBackend resample();

    /** Attention kernels. */
    AttentionBackend attention();

    /** Complex FFT kernels. */
    FftBackend fft();

    /** Concatenation, padding, gather/scatter kernels. */
    IndexBackend index();

    /** Softmax and normalisation kernels. */
    NormBackend norm();
}
