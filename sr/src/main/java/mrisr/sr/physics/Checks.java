package mrisr.sr.physics;

import java.util.Arrays;
import mrisr.engine.Memory;
import mrisr.engine.Shape;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;

/** Argument checks shared by the operators. */
final class Checks {
    private Checks() {}

    /** Throws a {@link ShapeException} naming {@code op} unless {@code t} has shape {@code expected}. */
    static void shape(String op, String what, Tensor t, int[] expected) {
        if (!Arrays.equals(t.shape(), expected)) {
            throw new ShapeException(op, what + " has shape " + Shape.format(t.shape()) + ", expected " + Shape.format(expected));
        }
    }

    /** Validates a 3-D volume shape (all sizes ≥ 1, element count within one tensor's limit) and returns a copy. */
    static int[] volumeShape(String op, int[] shape) {
        if (shape == null || shape.length != 3) {
            throw new PhysicsException(op + ": a volume shape needs 3 sizes, got "
                    + (shape == null ? "none" : Arrays.toString(shape)));
        }
        for (int a = 0; a < 3; a++) {
            if (shape[a] < 1) throw new PhysicsException(op + ": size along axis " + a + " is " + shape[a] + ", must be >= 1");
        }
        long n = Math.multiplyExact(Math.multiplyExact((long) shape[0], shape[1]), shape[2]);
        if (n > Integer.MAX_VALUE - 16) throw new PhysicsException(op + ": volume " + Shape.format(shape) + " has too many voxels (" + n + ")");
        return shape.clone();
    }

    /** Three finite positive voxel sizes in mm, copied. */
    static double[] spacing(String op, double[] spacingMm) {
        if (spacingMm == null || spacingMm.length != 3) throw new PhysicsException(op + ": need 3 voxel sizes in mm");
        for (int a = 0; a < 3; a++) {
            if (!(spacingMm[a] > 0) || Double.isInfinite(spacingMm[a])) {
                throw new PhysicsException(op + ": voxel size along axis " + a + " is " + spacingMm[a] + " mm, must be > 0");
            }
        }
        return spacingMm.clone();
    }

    /** The axis index, checked to be 0, 1 or 2. */
    static int axis(String op, int axis) {
        if (axis < 0 || axis > 2) throw new PhysicsException(op + ": axis must be 0, 1 or 2, got " + axis);
        return axis;
    }

    /** Checks the memory budget for a float32 array of {@code shape} and allocates it. */
    static float[] allocate(String op, int[] shape) {
        long n = Shape.numelLong(shape);
        Memory.check(n, op + " " + Shape.format(shape));
        return new float[(int) n];
    }

    /** Checks the memory budget for {@code count} doubles (counted as two float32 slots each) and allocates them. */
    static double[] allocateDouble(String op, long count) {
        Memory.check(Math.multiplyExact(count, 2L), op + " (" + count + " doubles)");
        return new double[(int) count];
    }

    /** {@code v} with four significant digits and no trailing zeros ({@code 4}, {@code 2.5}, {@code 0.01}). */
    static String number(double v) {
        String s = String.format(java.util.Locale.ROOT, "%.4g", v);
        if (s.contains("e") || !s.contains(".")) return s;
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
