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
    /** Op families, for reporting which kernel path each one runs. */
    public enum Family {
        GEMM("GEMM", true),
        CONVOLUTION("convolution", true),
        POINTWISE("pointwise unary/binary and their gradients", true),
        REDUCTION("row sum/max", true),
        NORMALIZATION("softmax, layer/group norm", true),
        ATTENTION("attention", true),
        INTERPOLATION("nearest/linear/cubic interpolation", true),
        PIXEL_SHUFFLE("pixel shuffle", true),
        POOLING("pooling", true),
        FFT("FFT of 2,3,5-smooth lengths (JTransforms for other lengths)", true);

        final String label;
        final boolean vectorised;

        Family(String label, boolean vectorised) {
            this.label = label;
            this.vectorised = vectorised;
        }
    }

    private KernelInfo() {}

    /** True when {@code -Dmrisr.kernels=scalar} asks for the scalar reference kernels. */
    public static boolean scalarForced() {
        return "scalar".equalsIgnoreCase(System.getProperty("mrisr.kernels", ""));
    }

    /** The preferred float vector species of this CPU. */
    public static VectorSpecies<Float> species() {
        return FloatVector.SPECIES_PREFERRED;
    }

    /**
     * The kernel path one family runs: {@code "vector 512-bit"}, {@code "scalar reference"}, or
     * for the FFT {@code "vector 512-bit (2,3,5-smooth), JTransforms otherwise"} or, when scalar is
     * forced, {@code "JTransforms"}.
     */
    public static String path(Family family) {
        if (family == Family.FFT) {
            return scalarForced() ? "JTransforms" : "vector " + species().vectorBitSize() + "-bit (2,3,5-smooth), JTransforms otherwise";
        }
        return family.vectorised && !scalarForced() ? "vector " + species().vectorBitSize() + "-bit" : "scalar reference";
    }

    /** One line: kernel path, vector width, threads, JDK and CPU architecture. */
    public static String describe() {
        VectorSpecies<Float> s = species();
        StringBuilder vectorised = new StringBuilder();
        for (Family f : Family.values()) {
            if (!f.vectorised) continue;
            if (vectorised.length() > 0) vectorised.append(", ");
            vectorised.append(f.label);
        }
        String path = scalarForced() ? "scalar reference (forced by -Dmrisr.kernels=scalar)"
                : "Vector API for " + vectorised + "; scalar reference for the other ops";
        return "kernels: " + path + "; vector API " + s.vectorBitSize() + "-bit (" + s.length() + " float lanes); threads: "
                + Parallel.threads() + "; JDK " + Runtime.version() + " on " + System.getProperty("os.arch");
    }
}
