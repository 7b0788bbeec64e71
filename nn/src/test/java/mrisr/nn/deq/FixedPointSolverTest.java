package mrisr.nn.deq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import mrisr.engine.Memory;
import mrisr.engine.MemoryBudgetException;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;
import org.junit.jupiter.api.Test;

class FixedPointSolverTest {
    private static final double TOL = 1e-6;

    /** Relative residual recomputed here, in double, from the returned iterate. */
    private static double residualOf(UnaryOperator<Tensor> f, Tensor z) {
        float[] x = z.toArray(), fx = f.apply(z).toArray();
        double num = 0, den = 0;
        for (int i = 0; i < x.length; i++) {
            num += ((double) fx[i] - x[i]) * ((double) fx[i] - x[i]);
            den += (double) fx[i] * fx[i];
        }
        return Math.sqrt(num / den);
    }

    private static boolean allFinite(Tensor t) {
        for (float v : t.toArray()) if (!Float.isFinite(v)) return false;
        return true;
    }

    @Test
    void allSolversFindTheKnownFixedPointOfAnIllConditionedSymmetricContraction() {
        // eigenvalues of A in [0, 0.98]: plain iteration contracts by 0.98 per step; cond(I − A) = 50
        LinearProblems.Problem p = LinearProblems.symmetric(40, 0, 0.98, 11);
        UnaryOperator<Tensor> f = p::apply;
        Tensor z0 = Tensor.zeros(p.n());
        List<String> warnings = new ArrayList<>();
        FixedPointResult picard = new Picard(1, TOL, 2000).solve(f, z0, warnings::add);
        FixedPointResult anderson = new Anderson(5, 1, 1e-10, TOL, 200).solve(f, z0, warnings::add);
        FixedPointResult broyden = new Broyden(40, TOL, 200).solve(f, z0, warnings::add);
        assertThat(warnings).isEmpty();
        for (FixedPointResult r : List.of(picard, anderson, broyden)) {
            assertThat(r.converged()).as(r.summary()).isTrue();
            assertThat(r.residual()).as(r.summary()).isLessThanOrEqualTo(TOL);
            assertThat(r.bestIteration()).isEqualTo(r.iterations() - 1);
            // |z − z*| ≤ cond(I − A)·residual, plus float rounding of f
            assertThat(p.relativeError(r.z())).as(r.solver()).isLessThan(50 * 2 * TOL);
            assertThat(residualOf(f, r.z())).as(r.solver()).isCloseTo(r.residual(), offset(1e-12));
        }
        // measured: picard 316, anderson(m=5) 51, broyden(m=40) 74 evaluations
        assertThat(picard.iterations()).isGreaterThan(250);
        assertThat(anderson.iterations()).isLessThan(picard.iterations() / 5);
        assertThat(broyden.iterations()).isLessThan(picard.iterations() / 3);
    }

    @Test
    void andersonAndBroydenSolveANonSymmetricContraction() {
        LinearProblems.Problem p = LinearProblems.general(30, 0.9, 5);
        UnaryOperator<Tensor> f = p::apply;
        Tensor z0 = Tensor.zeros(p.n());
        FixedPointResult picard = new Picard(1, TOL, 2000).solve(f, z0, w -> { });
        for (FixedPointSolver s : List.of(Anderson.defaults().withStopping(TOL, 200), Broyden.defaults().withStopping(TOL, 200))) {
            FixedPointResult r = s.solve(f, z0, w -> { });
            assertThat(r.converged()).as(r.summary()).isTrue();
            assertThat(p.relativeError(r.z())).as(r.solver()).isLessThan(10 * 2 * TOL);
            assertThat(r.iterations()).as(r.solver()).isLessThan(picard.iterations());
        }
    }

    @Test
    void residualHistoryIsTheRelativeResidualOfEachIterate() {
        LinearProblems.Problem p = LinearProblems.symmetric(10, 0.1, 0.5, 3);
        List<Tensor> iterates = new ArrayList<>();
        UnaryOperator<Tensor> f = z -> {
            iterates.add(z);
            return p.apply(z);
        };
        FixedPointResult r = new Picard(1, 1e-30, 6).solve(f, Tensor.full(1f, 10), w -> { });
        double[] h = r.residuals();
        assertThat(h).hasSize(6);
        for (int k = 0; k < 6; k++) assertThat(h[k]).isCloseTo(residualOf(p::apply, iterates.get(k)), offset(1e-12));
        for (int k = 1; k < 6; k++) assertThat(h[k]).isLessThan(h[k - 1]);
    }

    /** f(z) = (1 + c_k) z on the k-th call: relative residual |c_k| / |1 + c_k|, independent of the solver's steps. */
    private static UnaryOperator<Tensor> scripted(double[] c, List<float[]> seen) {
        return z -> {
            int k = seen.size();
            seen.add(z.toArray());
            return z.mul(1 + c[Math.min(k, c.length - 1)]);
        };
    }

    @Test
    void nonConvergenceReturnsTheBestIterateWithAWarning() {
        double[] c = {0.5, 0.3, 0.01, 0.2, 0.4, 0.45}; // best at the third evaluation (index 2)
        for (FixedPointSolver s : List.of(new Picard(1, 1e-6, 6), new Anderson(3, 1, 1e-8, 1e-6, 6), new Broyden(3, 1e-6, 6))) {
            List<float[]> seen = new ArrayList<>();
            List<String> warnings = new ArrayList<>();
            FixedPointResult r = s.solve(scripted(c, seen), Tensor.fromArray(new float[] {1, -2, 3}, 3), warnings::add);
            assertThat(r.converged()).isFalse();
            assertThat(r.iterations()).isEqualTo(6);
            assertThat(r.bestIteration()).as(s.describe()).isEqualTo(2);
            assertThat(r.residual()).isCloseTo(0.01 / 1.01, offset(1e-6));
            assertThat(r.z().toArray()).as(s.describe()).containsExactly(seen.get(2));
            assertThat(warnings).singleElement().asString().contains(s.describe()).contains("not converged after 6 iterations")
                    .contains("best iterate (iteration 2 of 6)").contains("tolerance 1e-06");
        }
    }

    @Test
    void divergingPlainIterationReturnsTheStartNotTheLastIterate() {
        // f(z) = 2z + 1: fixed point −1 is repelling; start near it and the residual grows every step
        UnaryOperator<Tensor> f = z -> z.mul(2).add(1);
        Tensor z0 = Tensor.fromArray(new float[] {-1.01f, -0.99f}, 2);
        List<String> warnings = new ArrayList<>();
        FixedPointResult r = new Picard(1, 1e-6, 10).solve(f, z0, warnings::add);
        assertThat(r.bestIteration()).isZero();
        assertThat(r.z().toArray()).containsExactly(-1.01f, -0.99f);
        assertThat(warnings).hasSize(1);
    }

    @Test
    void nonFiniteValuesStopTheSolverAndKeepTheBestIterate() {
        int[] calls = {0};
        UnaryOperator<Tensor> f = z -> ++calls[0] < 4 ? z.tanh().mul(0.5).add(1) : Tensor.full(Float.NaN, 2);
        List<String> warnings = new ArrayList<>();
        for (FixedPointSolver s : List.of(new Picard(1, 1e-9, 50), Anderson.defaults(), Broyden.defaults())) {
            calls[0] = 0;
            warnings.clear();
            FixedPointResult r = s.solve(f, Tensor.fromArray(new float[] {1, 2}, 2), warnings::add);
            assertThat(r.iterations()).isEqualTo(4);
            assertThat(Double.isNaN(r.residuals()[3])).isTrue();
            assertThat(r.bestIteration()).isLessThan(3);
            assertThat(allFinite(r.z())).isTrue();
            assertThat(warnings).singleElement().asString().contains("non-finite value at iteration 3");
        }
    }

    @Test
    void andersonRestartsWhenItsHistoryIsLinearlyDependent() {
        // f(z) = z + 1: every residual is the same vector, so the Gram matrix is singular (λ = 0)
        UnaryOperator<Tensor> f = z -> z.add(1);
        List<String> warnings = new ArrayList<>();
        FixedPointResult r = new Anderson(4, 1, 0, 1e-9, 8).solve(f, Tensor.zeros(3), warnings::add);
        assertThat(r.restarts()).isGreaterThan(0);
        assertThat(r.converged()).isFalse();
        assertThat(allFinite(r.z())).isTrue();
        assertThat(warnings).hasSize(1);
    }

    @Test
    void startAtTheFixedPointConvergesInOneEvaluation() {
        LinearProblems.Problem p = LinearProblems.symmetric(6, 0, 0.5, 2);
        float[] star = new float[6];
        for (int i = 0; i < 6; i++) star[i] = (float) p.fixedPoint()[i];
        for (FixedPointSolver s : List.of(new Picard(1, 1e-5, 5), Anderson.defaults(), Broyden.defaults())) {
            FixedPointResult r = s.solve(p::apply, Tensor.fromArray(star, 6), w -> { });
            assertThat(r.iterations()).isEqualTo(1);
            assertThat(r.converged()).isTrue();
            assertThat(r.z().toArray()).containsExactly(star);
        }
    }

    @Test
    void dampedAndersonStillConverges() {
        LinearProblems.Problem p = LinearProblems.general(20, 0.8, 9);
        FixedPointResult r = new Anderson(3, 0.5, 1e-8, TOL, 300).solve(p::apply, Tensor.zeros(20), w -> { });
        assertThat(r.converged()).as(r.summary()).isTrue();
        assertThat(p.relativeError(r.z())).isLessThan(1e-4);
    }

    @Test
    void settingsAreValidatedWithNamedMessages() {
        assertThatThrownBy(() -> new Anderson(0, 1, 0, 1e-4, 10)).hasMessageContaining("anderson: memory m = 0");
        assertThatThrownBy(() -> new Anderson(3, 1.5, 0, 1e-4, 10)).hasMessageContaining("mixing beta = 1.5, must be in (0, 1]");
        assertThatThrownBy(() -> new Anderson(3, 1, -1, 1e-4, 10)).hasMessageContaining("regularization = -1.0");
        assertThatThrownBy(() -> new Broyden(3, 0, 10)).hasMessageContaining("broyden: tolerance = 0.0");
        assertThatThrownBy(() -> new Picard(1, 1e-4, 0)).hasMessageContaining("picard: maxIterations = 0");
        assertThat(Anderson.defaults().describe()).isEqualTo("anderson(m=5, beta=1, lambda=1e-08)");
        assertThat(new Picard(0.5, 1, 1).describe()).isEqualTo("picard(beta=0.5)");
        assertThat(Broyden.defaults().withStopping(1e-3, 7)).isEqualTo(new Broyden(20, 1e-3, 7));
    }

    @Test
    void aMapThatChangesTheShapeIsAShapeError() {
        assertThatThrownBy(() -> Anderson.defaults().solve(z -> Tensor.zeros(4), Tensor.zeros(3), w -> { }))
                .isInstanceOf(ShapeException.class).hasMessageContaining("[4]").hasMessageContaining("[3]");
    }

    @Test
    void historyOverTheMemoryBudgetFailsBeforeCallingTheMap() {
        long before = Memory.budgetBytes();
        try {
            Memory.setBudgetBytes(64L * 1024);
            int[] calls = {0};
            assertThatThrownBy(() -> new Anderson(50, 1, 0, 1e-4, 10).solve(z -> {
                calls[0]++;
                return z;
            }, Tensor.zeros(1000), w -> { })).isInstanceOf(MemoryBudgetException.class).hasMessageContaining("anderson(m=50");
            assertThat(calls[0]).isZero();
        } finally {
            Memory.setBudgetBytes(before);
        }
    }
}
