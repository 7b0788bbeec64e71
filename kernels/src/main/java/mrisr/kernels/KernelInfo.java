package mrisr.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Which kernels run and on what: printed by {@code mrisr --version} and at the top of benchmark
 * reports, so a silent fallback to slow code is visible.
 *
 * <p>{@code -Dmrisr.kernels=scalar} forces the scalar reference kernels (for debugging).
 */
public final class KernelInfo {
    /** The op families that have Vector API kernels (each with its scalar twin in {@code reference}). */
    public static final String VECTORISED =
            "GEMM, pointwise unary/binary and their gradients, row sum/max, softmax, layer/group norm, attention,"
                    + " nearest/linear interpolation";

    private KernelInfo() {}

    /** True when {@code -Dmrisr.kernels=scalar} asks for the scalar reference kernels. */
    public static boolean scalarForced() {
        return "scalar".equalsIgnoreCase(System.getProperty("mrisr.kernels", ""));
    }

    /** The preferred float vector species of this CPU. */
    public static VectorSpecies<Float> species() {
        return FloatVector.SPECIES_PREFERRED;
    }

    /** One line: kernel path, vector width, threads, JDK and CPU architecture. */
    public static String describe() {
        VectorSpecies<Float> s = species();
        String path = scalarForced() ? "scalar reference (forced by -Dmrisr.kernels=scalar)"
                : "Vector API for " + VECTORISED + "; scalar reference for the other ops";
        return "kernels: " + path + "; vector API " + s.vectorBitSize() + "-bit (" + s.length() + " float lanes); threads: "
                + Parallel.threads() + "; JDK " + Runtime.version() + " on " + System.getProperty("os.arch");
    }
}
