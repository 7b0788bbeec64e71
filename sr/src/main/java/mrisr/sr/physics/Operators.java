package mrisr.sr.physics;

import java.util.List;
import mrisr.engine.Rng;

/**
 * The catalogue of every linear operator in {@code mrisr.sr.physics}, one small instance of each
 * (odd and prime sizes, every boundary and sampling mode). The adjoint and norm tests iterate over
 * it, so an operator added here is tested without writing a new test.
 *
 * <pre>{@code
 * for (Operators.Entry e : Operators.catalogue()) System.out.println(e.name() + " " + e.norm());
 * }</pre>
 */
public final class Operators {
    private Operators() {}

    /**
     * One catalogue entry.
     *
     * @param name     unique label
     * @param operator the operator
     * @param norm     its spectral norm where known in closed form, else {@code NaN}
     */
    public record Entry(String name, LinearOperator operator, double norm) {}

    /** All operators on small shapes, with analytic norms where known. Built anew on each call. */
    public static List<Entry> catalogue() {
        int[] s = {7, 6, 5};
        double[] sp = {1.0, 1.25, 2.0};
        int[] k = {8, 7, 9};
        BiasField bias = BiasField.random(s, 3, 0.4, new Rng(11));
        SeparableOperator blur = Blur.gaussian(s, sp, new double[] {1.5, 0, 3.0}, Boundary.SYMMETRIC);
        SeparableOperator decimate3 = Downsampling.decimate(new int[] {7, 6, 9}, new int[] {1, 1, 3});
        return List.of(
                new Entry("blur.gaussian.symmetric", blur, 1),
                new Entry("blur.gaussian.circular", Blur.gaussian(s, sp, new double[] {2.0, 3.0, 5.0}, Boundary.CIRCULAR), 1),
                new Entry("blur.gaussian.zero", Blur.gaussian(s, sp, new double[] {2.0, 1.0, 4.0}, Boundary.ZERO), Double.NaN),
                new Entry("blur.profile.rect.circular", Blur.profile(s, sp, 2, SliceProfile.rect(5.0), Boundary.CIRCULAR), 1),
                new Entry("blur.profile.trapezoid.zero", Blur.profile(s, sp, 0, SliceProfile.trapezoid(3.0), Boundary.ZERO), Double.NaN),
                new Entry("blur.inPlanePsf", Blur.inPlanePsf(s, sp, 2, new double[] {2.0, 2.5, 4.0}, Boundary.SYMMETRIC), 1),
                new Entry("downsampling.decimate.odd", Downsampling.decimate(new int[] {9, 5, 6}, new int[] {3, 1, 1}), 1),
                new Entry("downsampling.decimate.even", Downsampling.decimate(new int[] {8, 5, 7}, new int[] {2, 1, 2}), 0.5),
                new Entry("downsampling.area.integer", Downsampling.area(new int[] {5, 6, 9}, new double[] {1, 1, 3}), 1 / Math.sqrt(3)),
                new Entry("downsampling.area.fractional", Downsampling.area(new int[] {10, 6, 7}, new double[] {2.5, 1, 1.5}), Double.NaN),
                new Entry("downsampling.profile.gaussian", Downsampling.withProfiles(new int[] {6, 5, 12}, sp, new double[] {1, 1, 4},
                        new SliceProfile[] {null, null, SliceProfile.gaussian(8.0)}, Boundary.SYMMETRIC), Double.NaN),
                new Entry("downsampling.profile.trapezoid.fractional", Downsampling.withProfiles(new int[] {9, 5, 7}, sp,
                        new double[] {1.5, 1, 2.5}, new SliceProfile[] {SliceProfile.gaussian(1.8), null, SliceProfile.trapezoid(5.0)},
                        Boundary.ZERO), Double.NaN),
                new Entry("fourier", new FourierTransform(new int[] {6, 5, 4}), 1),
                new Entry("kspace.truncation", KSpaceTruncation.of(k, new int[] {4, 7, 3}), Math.sqrt(4.0 / 8 * 3.0 / 9)),
                new Entry("kspace.hamming.partialFourier", KSpaceTruncation.builder(k, new int[] {5, 4, 9})
                        .window(KSpaceTruncation.Window.HAMMING).partialFourier(1, 0.75).build(), Math.sqrt(5.0 / 8 * 4.0 / 7)),
                new Entry("kspace.tukey.ellipse", KSpaceTruncation.builder(k, new int[] {6, 7, 4})
                        .window(KSpaceTruncation.Window.TUKEY).tukeyAlpha(0.4).ellipticalMask(true).build(), Math.sqrt(6.0 / 8 * 4.0 / 9)),
                new Entry("rigid.rotation", new RigidTransform(s, sp, new double[] {10, -7, 25}, new double[] {0.3, -0.6, 1.1}), Double.NaN),
                new Entry("rigid.wholeVoxelShift", new RigidTransform(s, sp, new double[] {0, 0, 0}, new double[] {2.0, 0, -2.0}), 1),
                new Entry("biasField", bias, bias.maxValue()),
                new Entry("compose.decimate.blur", decimate3.compose(Blur.gaussian(new int[] {7, 6, 9}, sp, new double[] {0, 0, 6.0},
                        Boundary.SYMMETRIC)), Double.NaN),
                new Entry("normal.area", Downsampling.area(new int[] {4, 6, 5}, new double[] {2, 1, 1}).normal(), 0.5),
                new Entry("degradation.imageSpace", Degradation.builder().factors(1, 1.5, 3).biasField(0.2).seed(3).build()
                        .operator(new int[] {5, 7, 9}, new double[] {1, 1, 1}), Double.NaN),
                new Entry("degradation.kspace", Degradation.builder().factors(2, 1, 3).kspace(true)
                        .rigid(new double[] {0, 5, 0}, new double[] {0.5, 0, 0}).build()
                        .operator(new int[] {8, 5, 9}, new double[] {1, 1, 1}), Double.NaN));
    }
}
