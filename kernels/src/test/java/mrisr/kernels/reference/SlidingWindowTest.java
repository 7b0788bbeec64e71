package mrisr.kernels.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@link SlidingWindow}: the valid-output ranges against brute force, rank embedding, validation. */
class SlidingWindowTest {

    @Test
    void validOutputRangeMatchesBruteForce() {
        for (int in = 0; in <= 9; in++) {
            for (int out = 0; out <= 9; out++) {
                for (int stride = 1; stride <= 4; stride++) {
                    for (int shift = -7; shift <= 7; shift++) {
                        int first = SlidingWindow.firstOutput(shift, stride);
                        int end = SlidingWindow.endOutput(in, out, shift, stride);
                        for (int o = 0; o < out; o++) {
                            int i = o * stride + shift;
                            boolean inside = i >= 0 && i < in;
                            assertThat(o >= first && o < end)
                                    .as("in %d out %d stride %d shift %d output %d", in, out, stride, shift, o)
                                    .isEqualTo(inside);
                        }
                    }
                }
            }
        }
    }

    @Test
    void lowerRanksGetLeadingUnitAxes() {
        SlidingWindow w = SlidingWindow.of(new int[] {7, 6}, new int[] {3, 2}, new int[] {4, 3}, new int[] {2, 2},
                new int[] {1, 0}, new int[] {1, 2});
        assertThat(new int[] {w.inDepth, w.inHeight, w.inWidth}).containsExactly(1, 7, 6);
        assertThat(new int[] {w.kernelDepth, w.kernelHeight, w.kernelWidth}).containsExactly(1, 3, 2);
        assertThat(new int[] {w.strideDepth, w.paddingDepth, w.dilationDepth}).containsExactly(1, 0, 1);
        assertThat(new int[] {w.paddingHeight, w.dilationWidth}).containsExactly(1, 2);
        assertThat(w.inVolume()).isEqualTo(42);
        assertThat(w.outVolume()).isEqualTo(12);
        assertThat(w.kernelVolume()).isEqualTo(6);
    }

    @Test
    void rejectsMismatchedOrOutOfRangeArguments() {
        int[] two = {1, 1};
        assertThatThrownBy(() -> SlidingWindow.of(new int[] {4, 4}, new int[] {3}, two, two, two, two))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("sliding window needs 1 to 3 axes");
        assertThatThrownBy(() -> SlidingWindow.of(two, two, two, new int[] {1, 0}, two, two))
                .hasMessage("stride [1, 0] must be >= 1");
        assertThatThrownBy(() -> SlidingWindow.of(new int[4], new int[4], new int[4], new int[4], new int[4], new int[4]))
                .hasMessageStartingWith("sliding window needs 1 to 3 axes");
    }
}
