package mrisr.sr.methods.modelbased;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import mrisr.engine.Memory;
import mrisr.engine.MemoryBudgetException;
import mrisr.engine.Tensor;
import mrisr.sr.methods.FactorException;
import mrisr.sr.methods.Methods;
import mrisr.sr.methods.SrContext;
import mrisr.sr.physics.Degradation;
import mrisr.sr.volume.Volume;
import org.junit.jupiter.api.Test;

class SrProblemTest {
    private static final double[][] OBLIQUE = {{0, 0, 3.2, -40}, {-0.9, 0.1, 0, 20}, {0.1, 0.9, 0, -7}, {0, 0, 0, 1}};

    @Test
    void outputIsOnTheHighResolutionGridWithTheResampledAffine() {
        Volume hr = TestVolumes.ellipsoids(new int[] {12, 10, 16}, TestVolumes.SEED + 20);
        Volume hrOblique = Volume.of(hr.data(), Volume.resampledAffine(OBLIQUE, new double[] {1, 1, 4}));
        Degradation d = Degradation.builder().factors(1, 1, 4).build();
        Volume lr = d.apply(hrOblique);
        for (RegularizedMethod m : ModelBased.all()) {
            Volume sr = m.withMaxIterations(5).run(lr, SrContext.of(1, 1, 4).withDegradation(d));
            assertThat(sr.shape()).containsExactly(12, 10, 16);
            double[][] expected = Volume.resampledAffine(lr.affine(), new double[] {1, 1, 4});
            double[][] a = sr.affine();
            for (int r = 0; r < 4; r++) {
                for (int c = 0; c < 4; c++) {
                    assertThat(a[r][c]).isCloseTo(expected[r][c], within(1e-12));
                    assertThat(a[r][c]).as("the grid mrisr degrade started from").isCloseTo(hrOblique.affine()[r][c], within(1e-9));
                }
            }
        }
    }

    @Test
    void nonIntegerFactorsSolveOnTheGridThatExplainsEverySampleAndCrop() {
        // 3 slices x 1.4 = 4.2 rounds to 4, but 4 high-resolution slices give floor(4/1.4) = 2 samples:
        // the problem is solved on 5 slices and cropped to 4
        Volume lr = Volume.of(Tensor.fromArray(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 2, 2, 3), Volume.diagonalAffine(1, 1, 1.4));
        SrContext ctx = SrContext.of(1, 1, 1.4);
        SrProblem p = SrProblem.of("test", lr, ctx);
        assertThat(p.outShape).containsExactly(2, 2, 4);
        assertThat(p.solveShape).containsExactly(2, 2, 5);
        assertThat(p.h.outputShape()).containsExactly(2, 2, 3);
        assertThat(p.hrSpacing).containsExactly(1, 1, 1.4 / 1.4);
        Volume sr = new Tikhonov().run(lr, ctx);
        assertThat(sr.shape()).containsExactly(2, 2, 4);
        float[] x = new float[20];
        for (int i = 0; i < 20; i++) x[i] = i;
        assertThat(p.crop(x)).containsExactly(0, 1, 2, 3, 5, 6, 7, 8, 10, 11, 12, 13, 15, 16, 17, 18);
        assertThat(p.pad(p.crop(x))).containsExactly(0, 1, 2, 3, 3, 5, 6, 7, 8, 8, 10, 11, 12, 13, 13, 15, 16, 17, 18, 18);
    }

    @Test
    void everyFrameOfASeriesIsSolvedAlike() {
        Volume a = TestVolumes.ellipsoids(new int[] {8, 6, 12}, TestVolumes.SEED + 21);
        Volume b = TestVolumes.ellipsoids(new int[] {8, 6, 12}, TestVolumes.SEED + 22);
        Degradation d = Degradation.builder().factors(1, 1, 4).build();
        Volume la = d.apply(a), lb = d.apply(b);
        float[] fa = la.data().toArray(), fb = lb.data().toArray();
        float[] series = new float[2 * fa.length];
        for (int v = 0; v < fa.length; v++) {
            series[2 * v] = fa[v];
            series[2 * v + 1] = fb[v];
        }
        Volume lr = Volume.of(Tensor.fromArray(series, 8, 6, 3, 2), la.affine());
        Tikhonov t = new Tikhonov();
        float[] sa = t.run(la, SrContext.of(1, 1, 4)).data().toArray(), sb = t.run(lb, SrContext.of(1, 1, 4)).data().toArray();
        Volume sr = t.run(lr, SrContext.of(1, 1, 4));
        assertThat(sr.shape()).containsExactly(8, 6, 12, 2);
        float[] s = sr.data().toArray();
        for (int v = 0; v < sa.length; v++) {
            assertThat(s[2 * v]).isEqualTo(sa[v]);
            assertThat(s[2 * v + 1]).isEqualTo(sb[v]);
        }
    }

    @Test
    void kSpaceAcquisitionsAreInvertedToo() {
        Volume hr = TestVolumes.ellipsoids(new int[] {10, 10, 16}, TestVolumes.SEED + 23);
        Degradation d = Degradation.builder().factors(1, 1, 4).kspace(true).build();
        Volume lr = d.apply(hr);
        Volume sr = new Tikhonov().withLambda(0.01).run(lr, SrContext.of(1, 1, 4).withDegradation(d));
        Volume bspline = Methods.get("bspline").run(lr, SrContext.of(1, 1, 4));
        assertThat(TestVolumes.psnr(hr, sr)).isGreaterThan(TestVolumes.psnr(hr, bspline));
    }

    @Test
    void aConstantImageIsReproduced() {
        Volume lr = Volume.of(Tensor.full(3.5f, 6, 5, 4), Volume.diagonalAffine(1, 1, 4));
        for (RegularizedMethod m : ModelBased.all()) {
            float[] sr = m.run(lr, SrContext.of(1, 1, 4)).data().toArray();
            assertThat(sr).hasSize(6 * 5 * 16);
            for (float v : sr) assertThat(v).as(m.name()).isCloseTo(3.5f, within(1e-4f));
        }
    }

    @Test
    void contextCarriesTheDegradation() {
        Degradation d = Degradation.builder().factors(1, 2, 4).build();
        SrContext ctx = new SrContext(new double[] {1, 2, 4}, 3).withDegradation(d);
        assertThat(ctx.forwardModel()).isSameAs(d);
        assertThat(ctx.seed()).isEqualTo(3);
        assertThat(SrContext.of(1, 2, 4).forwardModel().factors()).containsExactly(1, 2, 4);
        assertThatThrownBy(() -> SrContext.of(1, 1, 2).withDegradation(d)).isInstanceOf(FactorException.class)
                .hasMessageContaining("[1.0, 2.0, 4.0]").hasMessageContaining("[1.0, 1.0, 2.0]");
        assertThatThrownBy(() -> SrContext.of(1, 0.5, 2).forwardModel()).isInstanceOf(FactorException.class)
                .hasMessageContaining("factor along axis 1 is 0.5");
        Volume lr = Volume.of(Tensor.ones(4, 4, 4), Volume.diagonalAffine(1, 1, 1));
        assertThatThrownBy(() -> new Tikhonov().run(lr, SrContext.of(0.5, 1, 1))).isInstanceOf(FactorException.class);
    }

    @Test
    void theWorkingSetIsCheckedAgainstTheMemoryBudgetBeforeSolving() {
        Volume lr = TestVolumes.degrade(TestVolumes.ellipsoids(32, TestVolumes.SEED + 24), mrisr.sr.physics.SliceProfile.Kind.GAUSSIAN, 1);
        long before = Memory.budgetBytes();
        try {
            Memory.setBudgetBytes(512 * 1024); // the output (128 KiB) fits, the solvers' working sets do not
            for (RegularizedMethod m : ModelBased.all()) {
                assertThatThrownBy(() -> m.run(lr, SrContext.of(1, 1, 4))).isInstanceOf(MemoryBudgetException.class)
                        .hasMessageContaining(m.name() + " [32,32,32]: the solver needs about").hasMessageContaining("over the memory budget of 512.0 KiB");
            }
        } finally {
            Memory.setBudgetBytes(before);
        }
    }

    @Test
    void registryListsTheModelBasedMethods() {
        assertThat(Methods.names()).contains("tikhonov", "tv");
        assertThat(Methods.get("tv")).isInstanceOf(TotalVariation.class);
        assertThat(Methods.get("tikhonov").description()).contains("conjugate gradients");
    }
}
