package mrisr.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

class HarnessTest {
    /** A clock that only moves when a fake body "runs" for its next scripted duration. */
    static final class ScriptedBody {
        long now;
        int runs;
        final Deque<Double> durationsMs;
        final double thenMs;

        ScriptedBody(List<Double> firstDurationsMs, double thenMs) {
            this.durationsMs = new ArrayDeque<>(firstDurationsMs);
            this.thenMs = thenMs;
        }

        Object run() {
            runs++;
            double ms = durationsMs.isEmpty() ? thenMs : durationsMs.poll();
            now += (long) (ms * 1e6);
            return null;
        }
    }

    private static Harness.Timing measure(Harness.Policy policy, ScriptedBody body) {
        return new Harness(policy, () -> body.now).measure(body::run);
    }

    @Test
    void coldRunIsReportedApartFromTheWarmMedian() {
        ScriptedBody body = new ScriptedBody(List.of(900.0), 10.0);
        Harness.Timing t = measure(Harness.Policy.defaults(5), body);
        assertThat(t.firstMs()).isCloseTo(900.0, offset(1e-9));
        assertThat(t.medianMs()).isCloseTo(10.0, offset(1e-9));
        assertThat(t.timedRuns()).isEqualTo(5);
    }

    @Test
    void warmUpLastsTwoSecondsAfterTheColdRunAndAtLeastThreeRuns() {
        ScriptedBody fast = new ScriptedBody(List.of(), 100.0); // cold run + 20 runs = 2 s of warm-up
        Harness.Timing t = measure(Harness.Policy.defaults(4), fast);
        assertThat(t.warmupRuns()).isEqualTo(21);
        assertThat(fast.runs).isEqualTo(25);

        ScriptedBody slowish = new ScriptedBody(List.of(), 1500.0); // 3 runs, 3 s of warm-up after the cold run
        assertThat(measure(Harness.Policy.defaults(1), slowish).warmupRuns()).isEqualTo(3);
    }

    @Test
    void aSlowColdRunDoesNotCountAsWarmUp() {
        // A first run that is mostly JIT compilation: the 2 s of warm-up still follow it.
        ScriptedBody body = new ScriptedBody(List.of(2500.0), 100.0);
        assertThat(measure(Harness.Policy.defaults(1), body).warmupRuns()).isEqualTo(21);
    }

    @Test
    void oneWarmUpRunLongerThanTheBudgetEndsTheWarmUp() {
        ScriptedBody body = new ScriptedBody(List.of(), 5000.0);
        Harness.Timing t = measure(Harness.Policy.defaults(2), body);
        assertThat(t.warmupRuns()).isEqualTo(2);
        assertThat(body.runs).isEqualTo(4);
    }

    @Test
    void rowsSlowerThanThirtySecondsRunOnce() {
        ScriptedBody body = new ScriptedBody(List.of(), 31_000.0);
        Harness.Timing t = measure(Harness.Policy.defaults(10), body);
        assertThat(body.runs).isEqualTo(1);
        assertThat(t.timedRuns()).isEqualTo(1);
        assertThat(t.medianMs()).isEqualTo(t.firstMs()).isEqualTo(31_000.0);
    }

    @Test
    void adaptiveRepeatsFitTheRowBudget() {
        // 6 s budget: 800 ms runs → 7 repeats; 100 ms runs → capped at 10; 3 s and 9 s runs → at least 5.
        assertThat(measure(Harness.Policy.defaults(0), new ScriptedBody(List.of(), 800.0)).timedRuns()).isEqualTo(7);
        assertThat(measure(Harness.Policy.defaults(0), new ScriptedBody(List.of(), 100.0)).timedRuns()).isEqualTo(10);
        assertThat(measure(Harness.Policy.defaults(0), new ScriptedBody(List.of(), 3000.0)).timedRuns()).isEqualTo(5);
        assertThat(measure(Harness.Policy.defaults(0), new ScriptedBody(List.of(), 9000.0)).timedRuns()).isEqualTo(5);
    }

    @Test
    void medianOfTimedRuns() {
        // The cold run, then 40 runs of 50 ms fill the 2 s warm-up; then timed runs of 7, 3, 5, 1 ms → median 4.
        List<Double> script = new java.util.ArrayList<>();
        for (int i = 0; i < 41; i++) script.add(50.0);
        script.addAll(List.of(7.0, 3.0, 5.0, 1.0));
        Harness.Timing t = measure(Harness.Policy.defaults(4), new ScriptedBody(script, 0.0));
        assertThat(t.warmupRuns()).isEqualTo(41);
        assertThat(t.medianMs()).isEqualTo(4.0);
        assertThat(t.minMs()).isEqualTo(1.0);
        assertThat(Harness.median(new double[] {2, 9, 11})).isEqualTo(9.0);
        assertThatThrownBy(() -> Harness.median(new double[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void badPoliciesAreRejected() {
        assertThatThrownBy(() -> new Harness.Policy(2, 0, 8, 5, 10, 0, 30)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Harness.Policy(2, 3, 8, 5, 10, -1, 30)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Harness.Policy(Double.NaN, 3, 8, 5, 10, 0, 30)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Harness.Policy(2, 3, 8, 0, 10, 0, 30)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Harness.Policy(2, 3, 8, 11, 10, 0, 30)).isInstanceOf(IllegalArgumentException.class);
    }
}
