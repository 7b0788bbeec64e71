package mrisr.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import mrisr.kernels.Parallel;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Registry-driven property tests: every registered op has a gradient check and gives bit-identical
 * forward and backward results with 1 and 2 threads.
 */
class OpRegistryTest {
    static List<OpCase> allCases() {
        List<OpCase> all = new ArrayList<>();
        for (OpCases p : List.of(new CoreOpCases(), new ConvOpCases(), new ResampleOpCases(), new FftOpCases(),
                new IndexNormOpCases())) {
            all.addAll(p.cases());
        }
        return all;
    }

    @Test
    void everyRegisteredOpHasAGradientCheck() {
        Set<String> covered = new TreeSet<>();
        for (OpCase c : allCases()) covered.add(c.op());
        Set<String> missing = new TreeSet<>(OpRegistry.names());
        missing.removeAll(covered);
        assertThat(missing).as("registered ops without a gradient check").isEmpty();
    }

    @Test
    void everyCaseNamesARegisteredOp() {
        Set<String> unknown = new TreeSet<>();
        for (OpCase c : allCases()) if (!OpRegistry.names().contains(c.op())) unknown.add(c.op());
        assertThat(unknown).as("cases for ops missing from OpRegistry").isEmpty();
    }

    @TestFactory
    Stream<DynamicTest> gradientChecks() {
        return allCases().stream().map(c -> DynamicTest.dynamicTest("gradcheck " + c.label(),
                () -> GradCheck.check(c.label(), c.fn(), c.options(), c.small().get())));
    }

    @TestFactory
    Stream<DynamicTest> bitIdenticalWithOneAndTwoThreads() {
        return allCases().stream().map(c -> DynamicTest.dynamicTest("threads " + c.label(), () -> {
            int before = Parallel.threads();
            try {
                Parallel.setThreads(1);
                float[][] one = run(c);
                Parallel.setThreads(2);
                float[][] two = run(c);
                assertThat(two.length).isEqualTo(one.length);
                for (int i = 0; i < one.length; i++) {
                    assertThat(bits(two[i])).as("%s result %d", c.label(), i).isEqualTo(bits(one[i]));
                }
            } finally {
                Parallel.setThreads(before);
            }
        }));
    }

    /** Forward output, then the gradient of each input under a fixed random projection. */
    private static float[][] run(OpCase c) {
        Tensor[] in = c.large().get();
        for (int i = 0; i < in.length; i++) in[i].requiresGrad(c.options().differentiable() == null
                || (i < c.options().differentiable().length && c.options().differentiable()[i]));
        Tensor out = c.fn().apply(in);
        List<float[]> results = new ArrayList<>();
        results.add(out.toArray());
        Tensor projection = Tensor.randn(new Rng(7), out.shape());
        out.backward(projection, false);
        for (Tensor t : in) if (t.grad() != null) results.add(t.grad().toArray());
        return results.toArray(new float[0][]);
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) b[i] = Float.floatToRawIntBits(v[i]);
        return b;
    }
}
