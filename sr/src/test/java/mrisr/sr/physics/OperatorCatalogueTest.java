package mrisr.sr.physics;

import static mrisr.sr.physics.PhysicsTesting.dot;
import static mrisr.sr.physics.PhysicsTesting.norm;
import static mrisr.sr.physics.PhysicsTesting.randn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;
import mrisr.kernels.Parallel;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Property tests over every operator in {@link Operators#catalogue()}. */
class OperatorCatalogueTest {
    private static final List<Operators.Entry> CATALOGUE = Operators.catalogue();

    @Test
    void namesAreUniqueAndTheCatalogueCoversEveryOperatorClass() {
        Set<String> names = new HashSet<>();
        Set<Class<?>> classes = new HashSet<>();
        for (Operators.Entry e : CATALOGUE) {
            assertThat(names.add(e.name())).as("duplicate name %s", e.name()).isTrue();
            classes.add(e.operator().getClass());
        }
        assertThat(classes).contains(SeparableOperator.class, KSpaceTruncation.class, FourierTransform.class,
                RigidTransform.class, BiasField.class, Composition.class);
    }

    /** {@code |⟨Ax, y⟩ − ⟨x, Aᵀy⟩| ≤ 1e-5·‖Ax‖‖y‖} on random x, y. */
    @TestFactory
    Stream<DynamicTest> adjointIsExact() {
        return CATALOGUE.stream().map(e -> dynamicTest(e.name(), () -> {
            LinearOperator a = e.operator();
            for (int trial = 0; trial < 2; trial++) {
                Tensor x = randn(100 + trial, a.inputShape()), y = randn(200 + trial, a.outputShape());
                Tensor ax = a.apply(x), aty = a.adjoint(y);
                assertThat(ax.shape()).isEqualTo(a.outputShape());
                assertThat(aty.shape()).isEqualTo(a.inputShape());
                double lhs = dot(ax, y), rhs = dot(x, aty);
                assertThat(Math.abs(lhs - rhs)).as("%s: <Ax,y> = %s, <x,A^T y> = %s", e.name(), lhs, rhs)
                        .isLessThanOrEqualTo(1e-5 * norm(ax) * norm(y));
            }
        }));
    }

    /** The power method matches analytic norms and bounds ‖Ax‖/‖x‖ from above for random x. */
    @TestFactory
    Stream<DynamicTest> normEstimateMatchesAnalyticNorm() {
        return CATALOGUE.stream().map(e -> dynamicTest(e.name(), () -> {
            LinearOperator a = e.operator();
            double est = a.normEstimate(150, 5);
            if (!Double.isNaN(e.norm())) {
                assertThat(est).as(e.name()).isCloseTo(e.norm(), org.assertj.core.data.Offset.offset(1e-3 * e.norm()));
            }
            for (int trial = 0; trial < 3; trial++) {
                Tensor x = randn(300 + trial, a.inputShape());
                assertThat(norm(a.apply(x)) / norm(x)).as(e.name()).isLessThanOrEqualTo(est * (1 + 1e-4));
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> resultsDoNotDependOnTheThreadCountAndInputsAreNotModified() {
        return CATALOGUE.stream().map(e -> dynamicTest(e.name(), () -> {
            LinearOperator a = e.operator();
            Tensor x = randn(400, a.inputShape()), y = randn(401, a.outputShape());
            float[] x0 = x.toArray(), y0 = y.toArray();
            int threads = Parallel.threads();
            try {
                Parallel.setThreads(1);
                float[] f1 = a.apply(x).toArray(), b1 = a.adjoint(y).toArray();
                Parallel.setThreads(2);
                float[] f2 = a.apply(x).toArray(), b2 = a.adjoint(y).toArray();
                assertThat(f2).isEqualTo(f1);
                assertThat(b2).isEqualTo(b1);
            } finally {
                Parallel.setThreads(threads);
            }
            assertThat(x.toArray()).isEqualTo(x0);
            assertThat(y.toArray()).isEqualTo(y0);
        }));
    }

    @TestFactory
    Stream<DynamicTest> wrongShapesAreRejected() {
        return CATALOGUE.stream().map(e -> dynamicTest(e.name(), () -> {
            LinearOperator a = e.operator();
            int[] bad = a.inputShape();
            bad[0] += 1;
            assertThatThrownBy(() -> a.apply(Tensor.zeros(bad))).isInstanceOf(ShapeException.class).hasMessageContaining("expected");
            int[] badOut = a.outputShape();
            badOut[badOut.length - 1] += 1;
            assertThatThrownBy(() -> a.adjoint(Tensor.zeros(badOut))).isInstanceOf(ShapeException.class);
        }));
    }
}
