package mrisr.sr.methods.unfolding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import mrisr.engine.GradCheck;
import mrisr.engine.Tensor;
import mrisr.sr.physics.Blur;
import mrisr.sr.physics.Boundary;
import mrisr.sr.physics.Degradation;
import mrisr.sr.physics.Downsampling;
import mrisr.sr.physics.KSpaceTruncation;
import mrisr.sr.physics.LinearOperator;
import mrisr.sr.physics.SliceProfile;
import org.junit.jupiter.api.Test;

class DataConsistencyTest {
    private static final int[] SHAPE = {16, 16, 32};
    private static final double[] ISO = {1, 1, 1};
    private static final SliceProfile[] THROUGH_PLANE = {null, null, SliceProfile.gaussian(4)};

    /** Issue #4's acceptance: the DC step on a circulant operator equals a CG solve to 1e-4 (relative). */
    @Test
    void fourierClosedFormMatchesConjugateGradientsOnTheCirculantOperator() {
        CirculantSampling h = CirculantSampling.withProfiles(SHAPE, ISO, new int[] {1, 1, 4}, THROUGH_PLANE);
        DataConsistency dc = DataConsistency.of(h);
        assertThat(dc.solver()).isEqualTo(DataConsistency.Solver.FOURIER_CIRCULAR);
        for (double mu : new double[] {0.01, 0.1, 1}) {
            float[] b = Testing.randn(1, SHAPE).toArray();
            double[] reference = Testing.referenceSolve(h, b, mu);
            float[] fourier = dc.solve(Tensor.fromArray(b, SHAPE), mu).toArray();
            float[] cg = DataConsistency.conjugateGradients(h).solve(Tensor.fromArray(b, SHAPE), mu).toArray();
            double eFourier = Testing.relativeError(fourier, reference), eCg = Testing.relativeError(cg, reference);
            System.out.printf("16x16x32, x1,1,4 Gaussian, circular, mu %.2g: Fourier vs reference CG %.2e, DC's CG vs reference %.2e,"
                    + " Fourier vs DC's CG %.2e%n", mu, eFourier, eCg, Testing.relativeError(fourier, Testing.toDouble(cg)));
            assertThat(eFourier).isLessThan(1e-4);
            assertThat(Testing.relativeError(fourier, Testing.toDouble(cg))).isLessThan(1e-4);
        }
    }

    /** The physics package's circular-boundary profile sampling is exactly the circulant operator the closed form inverts. */
    @Test
    void physicsCircularProfileSamplingIsTheCirculantOperator() {
        int[][] factorSets = {{1, 1, 4}, {2, 2, 2}, {1, 3, 1}};
        int[] shape = {12, 18, 16};
        for (int[] f : factorSets) {
            SliceProfile[] profiles = new SliceProfile[3];
            for (int a = 0; a < 3; a++) if (f[a] > 1) profiles[a] = SliceProfile.gaussian(f[a]);
            profiles[1] = profiles[1] == null ? SliceProfile.trapezoid(1.5) : profiles[1];
            CirculantSampling mine = CirculantSampling.withProfiles(shape, ISO, f, profiles);
            LinearOperator physics = Downsampling.withProfiles(shape, ISO, new double[] {f[0], f[1], f[2]}, profiles, Boundary.CIRCULAR);
            Tensor x = Testing.randn(2, shape);
            assertThat(mine.outputShape()).containsExactly(physics.outputShape());
            assertThat(Testing.relativeError(mine.apply(x).toArray(), Testing.toDouble(physics.apply(x).toArray()))).isLessThan(1e-6);
            Tensor y = Testing.randn(3, mine.outputShape());
            assertThat(Testing.relativeError(mine.adjoint(y).toArray(), Testing.toDouble(physics.adjoint(y).toArray()))).isLessThan(1e-6);
        }
    }

    @Test
    void circulantSamplingPassesTheAdjointTest() {
        int[] shape = {10, 9, 12};
        double[][] randomKernels = {Testing.toDouble(Testing.randn(8, 10).toArray()), null, Testing.toDouble(Testing.randn(9, 12).toArray())};
        CirculantSampling[] ops = {
            CirculantSampling.withProfiles(shape, new double[] {1, 1.5, 0.8}, new int[] {2, 3, 4},
                    new SliceProfile[] {SliceProfile.rect(2), SliceProfile.gaussian(4.5), SliceProfile.trapezoid(3.2)}),
            CirculantSampling.of(shape, new int[] {5, 1, 3}, randomKernels),
        };
        for (CirculantSampling h : ops) {
            Tensor x = Testing.randn(4, shape), y = Testing.randn(5, h.outputShape());
            double lhs = Testing.dot(h.apply(x), y), rhs = Testing.dot(x, h.adjoint(y));
            assertThat(Math.abs(lhs - rhs)).as(h.name()).isLessThanOrEqualTo(1e-5 * Testing.norm(h.apply(x)) * Testing.norm(y));
        }
        // (Hx)[j] = Σ_i κ[(i − j·f) mod n] x[i], written out along axis 0 of a volume that varies only along it
        float[] line = Testing.randn(10, 10).toArray();
        float[] x = new float[10 * 9 * 12];
        for (int i = 0; i < x.length; i++) x[i] = line[i / (9 * 12)];
        float[] hx = CirculantSampling.of(shape, new int[] {5, 1, 1}, new double[][] {randomKernels[0], null, null})
                .apply(Tensor.fromArray(x, shape)).toArray();
        for (int j = 0; j < 2; j++) {
            double expected = 0;
            for (int i = 0; i < 10; i++) expected += randomKernels[0][Math.floorMod(i - 5 * j, 10)] * line[i];
            assertThat((double) hx[j * 9 * 12]).isCloseTo(expected, within(1e-5));
        }
    }

    /** mrisr degrade's own (symmetric-boundary) operator gets the exact closed form on the mirror extension. */
    @Test
    void degradationOperatorIsSolvedInClosedFormOnTheMirrorExtension() {
        for (SliceProfile.Kind kind : SliceProfile.Kind.values()) {
            LinearOperator h = Degradation.builder().factors(1, 1, 4).profile(kind).build().operator(SHAPE, ISO);
            DataConsistency dc = DataConsistency.of(h);
            // a rect slice of exactly f voxels never reaches past the volume: its symmetric and circular models coincide
            assertThat(dc.solver()).as(kind.cliName()).isEqualTo(kind == SliceProfile.Kind.RECT
                    ? DataConsistency.Solver.FOURIER_CIRCULAR : DataConsistency.Solver.FOURIER_MIRRORED);
            float[] b = Testing.randn(6, SHAPE).toArray();
            double mu = 0.05;
            double e = Testing.relativeError(dc.solve(Tensor.fromArray(b, SHAPE), mu).toArray(), Testing.referenceSolve(h, b, mu));
            System.out.printf("16x16x32, x1,1,4 %s, symmetric boundary, mu %.2g: %s vs reference CG %.2e%n",
                    kind.cliName(), mu, dc.solver(), e);
            assertThat(e).as(kind.cliName()).isLessThan(1e-4);
        }
    }

    /** Several decimated axes (aliasing over 8 blocks), even factors, blur-then-decimate built from physics parts. */
    @Test
    void closedFormHandles3dAliasingAndEvenFactorDecimation() {
        int[] shape = {16, 24, 16};
        LinearOperator[] ops = {
            Downsampling.withProfiles(shape, ISO, new double[] {2, 2, 2},
                    new SliceProfile[] {SliceProfile.gaussian(2), SliceProfile.gaussian(2.5), SliceProfile.rect(2)}, Boundary.CIRCULAR),
            Downsampling.decimate(shape, new int[] {2, 1, 4}).compose(Blur.gaussian(shape, ISO, new double[] {1.5, 1.2, 3}, Boundary.CIRCULAR)),
            Degradation.builder().factors(2, 2, 2).inPlanePsf(true).build().operator(shape, ISO),
        };
        DataConsistency.Solver[] expected = {DataConsistency.Solver.FOURIER_CIRCULAR, DataConsistency.Solver.FOURIER_CIRCULAR,
            DataConsistency.Solver.FOURIER_MIRRORED};
        for (int i = 0; i < ops.length; i++) {
            DataConsistency dc = DataConsistency.of(ops[i]);
            assertThat(dc.solver()).as(ops[i].name()).isEqualTo(expected[i]);
            float[] b = Testing.randn(7 + i, shape).toArray();
            double e = Testing.relativeError(dc.solve(Tensor.fromArray(b, shape), 0.02).toArray(), Testing.referenceSolve(ops[i], b, 0.02));
            assertThat(e).as(ops[i].name()).isLessThan(1e-4);
        }
    }

    /** Operators without the structure fall back to CG, which still solves the normal equations. */
    @Test
    void otherOperatorsFallBackToConjugateGradientsAndSayWhy() {
        int[] shape = {8, 10, 12};
        LinearOperator[] ops = {
            Downsampling.withProfiles(shape, ISO, new double[] {1, 1, 4}, THROUGH_PLANE, Boundary.ZERO),
            Downsampling.withProfiles(new int[] {8, 10, 13}, ISO, new double[] {1, 1, 4}, THROUGH_PLANE, Boundary.SYMMETRIC),
            Degradation.builder().factors(1, 1, 2).rigid(new double[] {3, 0, 0}, new double[] {0.5, 0, 0}).build().operator(shape, ISO),
            Downsampling.area(new int[] {8, 10, 13}, new double[] {1, 1, 2.5}),
        };
        String[] reasons = {"random probe", "integer factor", "", "integer factor"};
        for (int i = 0; i < ops.length; i++) {
            DataConsistency dc = DataConsistency.of(ops[i]);
            assertThat(dc.solver()).as(ops[i].name()).isEqualTo(DataConsistency.Solver.CONJUGATE_GRADIENTS);
            assertThat(dc.describe()).as(ops[i].name()).contains("conjugate gradients", reasons[i]);
            int[] s = ops[i].inputShape();
            float[] b = Testing.randn(11 + i, s).toArray();
            double e = Testing.relativeError(dc.solve(Tensor.fromArray(b, s), 0.05).toArray(), Testing.referenceSolve(ops[i], b, 0.05));
            assertThat(e).as(ops[i].name()).isLessThan(1e-4);
        }
    }

    /** K-space truncation keeps a band inside one alias block: where its kernel is circulant the closed form is verified exact. */
    @Test
    void kSpaceTruncationIsSolvedExactlyWhicheverSolverApplies() {
        int[] shape = {8, 8, 16};
        for (KSpaceTruncation.Window w : KSpaceTruncation.Window.values()) {
            LinearOperator h = KSpaceTruncation.builder(shape, new int[] {8, 8, 4}).window(w).build();
            DataConsistency dc = DataConsistency.of(h);
            float[] b = Testing.randn(20, shape).toArray();
            double e = Testing.relativeError(dc.solve(Tensor.fromArray(b, shape), 0.05).toArray(), Testing.referenceSolve(h, b, 0.05));
            System.out.printf("k-space truncation 8x8x16 -> 8x8x4, window %s: %s, error vs reference CG %.2e%n", w, dc.solver(), e);
            assertThat(e).as(w.name()).isLessThan(1e-4);
        }
    }

    /** {@code ∂/∂b} and {@code ∂/∂μ} of the DC op against central finite differences, for both solvers and a batch. */
    @Test
    void gradientsWithRespectToRightHandSideAndMuMatchFiniteDifferences() {
        int[] shape = {4, 4, 8};
        LinearOperator h = Degradation.builder().factors(1, 1, 2).build().operator(shape, ISO);
        for (DataConsistency dc : new DataConsistency[] {DataConsistency.of(h), DataConsistency.conjugateGradients(h)}) {
            Tensor b = Testing.randn(30, 2, 1, 4, 4, 8);
            Tensor mu = Tensor.fromArray(new float[] {0.3f}, 1);
            GradCheck.check("data_consistency " + dc.solver(), xs -> dc.apply(xs[0], xs[1]),
                    GradCheck.Options.defaults().withEps(1e-2).withTolerance(2e-3, 1e-2), b, mu);
            Tensor y = Testing.randn(31, 4, 4, 4);
            Tensor z = Testing.randn(32, shape);
            GradCheck.check("dc step " + dc.solver(), xs -> dc.step(y, xs[0], xs[1]),
                    GradCheck.Options.defaults().withEps(1e-2).withTolerance(2e-3, 1e-2), z, mu);
        }
    }

    /** The backward of μ agrees with the analytic derivative {@code −⟨A⁻¹ g, x⟩} (not only with finite differences). */
    @Test
    void muGradientIsMinusInnerProductOfSolves() {
        int[] shape = {8, 8, 8};
        CirculantSampling h = CirculantSampling.withProfiles(shape, ISO, new int[] {1, 1, 2}, new SliceProfile[] {null, null, SliceProfile.gaussian(2)});
        DataConsistency dc = DataConsistency.of(h);
        Tensor b = Testing.randn(40, shape);
        Tensor mu = Tensor.fromArray(new float[] {0.2f}, 1).requiresGrad(true);
        Tensor x = dc.apply(b, mu);
        Tensor g = Testing.randn(41, shape);
        x.backward(g, false);
        double[] v = Testing.referenceSolve(h, g.toArray(), 0.2), xr = Testing.referenceSolve(h, b.toArray(), 0.2);
        double expected = 0;
        for (int i = 0; i < v.length; i++) expected -= v[i] * xr[i];
        assertThat((double) mu.grad().item()).isCloseTo(expected, within(1e-4 * Math.abs(expected)));
    }

    @Test
    void rejectsBadMuAndShapes() {
        CirculantSampling h = CirculantSampling.withProfiles(new int[] {4, 4, 8}, ISO, new int[] {1, 1, 2}, new SliceProfile[] {null, null, SliceProfile.rect(2)});
        DataConsistency dc = DataConsistency.of(h);
        assertThatThrownBy(() -> dc.solve(Tensor.zeros(4, 4, 8), 0)).hasMessageContaining("mu = 0.0");
        assertThatThrownBy(() -> dc.solve(Tensor.zeros(4, 4, 4), 1)).hasMessageContaining("[4,4,4]")
                .hasMessageContaining("expected [4,4,8] or [N,1,4,4,8]");
        assertThatThrownBy(() -> CirculantSampling.withProfiles(new int[] {4, 4, 9}, ISO, new int[] {1, 1, 2},
                new SliceProfile[] {null, null, SliceProfile.rect(2)})).hasMessageContaining("divide the size 9");
    }
}
