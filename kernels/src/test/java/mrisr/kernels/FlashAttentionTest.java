package mrisr.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import mrisr.kernels.reference.AttentionReference;
import mrisr.kernels.reference.AttentionReference.Mask;
import mrisr.kernels.reference.AttentionReference.Sizes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The tiled Vector API attention against the scalar twin {@link AttentionReference}: odd sizes that
 * leave partial query and key blocks and padded head dimensions, masks (finite, −∞, broadcast, fully
 * masked rows), and 1-vs-2-thread bit identity.
 *
 * <p>Bound, from {@link FlashAttention}'s error analysis: with {@code u = 2⁻²⁴},
 * {@code ε = (E + 4)·u·scale·max Σ_c|q_c·k_c| + u·max|s|} (score error) and
 * {@code ρ = 2ε + (S/lanes + lanes + 16)·u} (probability error, relative): each output element is
 * within {@code (2ρ + (S + 8)·u)·Σ_j P_ij|v_jc|}, lse within {@code 2ρ + u·|lse|}, and each
 * gradient element within {@code (4ρ + (Ev + max(L, S) + 32)·u)} times the sum of the magnitudes of
 * the terms the twin adds for it ({@code |P|·(|dP| + Σ|dout·v| + |δ| + Σ|dout·out|)·scale·|k|}
 * for dq, likewise for dk, {@code P·|dout|} for dv), all computed here in double; plus {@code u}
 * times the element itself.
 */
class FlashAttentionTest {
    private static final double U = 0x1p-24;
    private static final int LANES = VectorMath.S.length();

    private static float[] random(Random rnd, int n, double sd) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (rnd.nextGaussian() * sd);
        return v;
    }

    private static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) m = Math.max(m, Math.abs(v));
        return m;
    }

    /** mask: 0 none, 1 finite random, 2 with −∞ entries and fully masked rows, 3 broadcast over rows. */
    @ParameterizedTest
    @CsvSource({"3,5,7,3,5,0", "2,67,130,33,17,0", "1,1,1,1,1,0", "4,64,64,32,32,1", "2,70,9,8,40,2",
            "3,13,150,16,16,3", "2,129,65,5,7,2"})
    void matchesTheTwinWithinTheStatedBound(int batch, int l, int s, int e, int ev, int maskKind) {
        Random rnd = new Random(batch * 1_000_000L + l * 10_000L + s * 100L + e + ev + maskKind);
        Sizes n = new Sizes(batch, l, s, e, ev);
        float[] q = random(rnd, batch * l * e, 1), k = random(rnd, batch * s * e, 1), v = random(rnd, batch * s * ev, 1);
        double scale = 1 / Math.sqrt(e);
        Mask mask = mask(rnd, maskKind, batch, l, s);
        float[] outF = new float[batch * l * ev], outT = new float[batch * l * ev];
        float[] lseF = new float[batch * l], lseT = new float[batch * l];
        FlashAttention.forward(n, q, k, v, scale, mask, outF, lseF);
        AttentionReference.forward(n, q, k, v, scale, mask, outT, lseT);

        // per-element magnitudes of what the twin sums, in double (P recomputed from the twin's lse)
        double maxQK = 0, maxScore = 0;
        float[] gOut = random(rnd, batch * l * ev, 1);
        double[] mOut = new double[outT.length], mq = new double[q.length], mk = new double[k.length],
                mv = new double[v.length];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < l; i++) {
                int row = b * l + i;
                double delta = 0, deltaAbs = 0;
                for (int c = 0; c < ev; c++) {
                    delta += gOut[row * ev + c] * outT[row * ev + c];
                    deltaAbs += Math.abs(gOut[row * ev + c] * outT[row * ev + c]);
                }
                for (int j = 0; j < s; j++) {
                    int key = b * s + j;
                    double sum = 0, dot = 0, dp = 0, dpAbs = 0;
                    for (int c = 0; c < e; c++) {
                        sum += Math.abs(q[row * e + c] * k[key * e + c]);
                        dot += q[row * e + c] * k[key * e + c];
                    }
                    for (int c = 0; c < ev; c++) {
                        dp += gOut[row * ev + c] * v[key * ev + c];
                        dpAbs += Math.abs(gOut[row * ev + c] * v[key * ev + c]);
                    }
                    double sc = dot * scale + (mask == null ? 0 : mask.data()[mask.batchOffsets()[b] + i * mask.rowStride() + j * mask.colStride()]);
                    maxQK = Math.max(maxQK, sum);
                    if (Double.isFinite(sc)) maxScore = Math.max(maxScore, Math.abs(sc));
                    double p = lseT[row] == Float.NEGATIVE_INFINITY ? 0 : Math.exp(sc - lseT[row]);
                    double ds = p * (Math.abs(dp) + dpAbs + Math.abs(delta) + deltaAbs) * scale;
                    for (int c = 0; c < ev; c++) {
                        mOut[row * ev + c] += p * Math.abs(v[key * ev + c]);
                        mv[key * ev + c] += p * Math.abs(gOut[row * ev + c]);
                    }
                    for (int c = 0; c < e; c++) {
                        mq[row * e + c] += ds * Math.abs(k[key * e + c]);
                        mk[key * e + c] += ds * Math.abs(q[row * e + c]);
                    }
                }
            }
        }
        double eps = (e + 4) * U * scale * maxQK + U * maxScore;
        double rho = 2 * eps + ((double) s / LANES + LANES + 16) * U;
        assertWithin("out", outF, outT, mOut, 2 * rho + (s + 8) * U, 0);
        for (int r = 0; r < lseF.length; r++) {
            if (lseT[r] == Float.NEGATIVE_INFINITY) assertThat(lseF[r]).as("lse %d", r).isEqualTo(lseT[r]);
            else assertThat((double) Math.abs(lseF[r] - lseT[r])).as("lse %d", r).isLessThanOrEqualTo(2 * rho + U * Math.abs(lseT[r]));
        }

        float[] gqF = new float[q.length], gkF = new float[k.length], gvF = new float[v.length];
        float[] gqT = new float[q.length], gkT = new float[k.length], gvT = new float[v.length];
        FlashAttention.backward(n, q, k, v, scale, mask, outT, lseT, gOut, gqF, gkF, gvF);
        AttentionReference.backward(n, q, k, v, scale, mask, outT, lseT, gOut, gqT, gkT, gvT);
        double gradRel = 4 * rho + (ev + Math.max(l, s) + 32) * U;
        assertWithin("gq", gqF, gqT, mq, gradRel, 0);
        assertWithin("gk", gkF, gkT, mk, gradRel, 0);
        assertWithin("gv", gvF, gvT, mv, gradRel, 0);

        float[] onlyV = new float[v.length];
        FlashAttention.backward(n, q, k, v, scale, mask, outT, lseT, gOut, null, null, onlyV);
        assertThat(Arrays.equals(onlyV, gvF)).as("dv alone equals dv with the others").isTrue();
    }

    private static Mask mask(Random rnd, int kind, int batch, int l, int s) {
        if (kind == 0) return null;
        int[] offsets = new int[batch];
        if (kind == 3) { // one row of S entries per problem, broadcast over the L queries
            float[] data = random(rnd, batch * s, 2);
            for (int b = 0; b < batch; b++) offsets[b] = b * s;
            for (int j = 0; j < s; j += 3) data[j] = Float.NEGATIVE_INFINITY;
            return new Mask(data, offsets, 0, 1);
        }
        float[] data = random(rnd, batch * l * s, 2);
        if (kind == 2) {
            for (int i = 0; i < data.length; i++) if (rnd.nextInt(3) == 0) data[i] = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < s; j++) data[2 * s + j] = Float.NEGATIVE_INFINITY; // query 2 of problem 0 sees nothing
        }
        for (int b = 0; b < batch; b++) offsets[b] = b * l * s;
        return new Mask(data, offsets, s, 1);
    }

    /** {@code |fast − twin| ≤ rel·magnitude[i] + abs} element by element. */
    private static void assertWithin(String what, float[] fast, float[] twin, double[] magnitude, double rel,
            double abs) {
        for (int i = 0; i < fast.length; i++) {
            double bound = rel * magnitude[i] + abs + U * Math.abs(twin[i]);
            assertThat((double) Math.abs(fast[i] - twin[i])).as("%s[%d]: fast %s twin %s", what, i, fast[i], twin[i])
                    .isLessThanOrEqualTo(bound);
        }
    }

    @Test
    void fullyMaskedRowsGiveZeroOutputAndGradients() {
        Sizes n = new Sizes(1, 3, 5, 4, 4);
        Random rnd = new Random(2);
        float[] q = random(rnd, 12, 1), k = random(rnd, 20, 1), v = random(rnd, 20, 1);
        float[] data = new float[15];
        Arrays.fill(data, 5, 10, Float.NEGATIVE_INFINITY); // query 1 sees no key
        Mask mask = new Mask(data, new int[] {0}, 5, 1);
        float[] out = new float[12], lse = new float[3];
        FlashAttention.forward(n, q, k, v, 0.5, mask, out, lse);
        assertThat(lse[1]).isEqualTo(Float.NEGATIVE_INFINITY);
        for (int c = 4; c < 8; c++) assertThat(out[c]).isEqualTo(0f);
        float[] g = random(rnd, 12, 1), gq = new float[12];
        FlashAttention.backward(n, q, k, v, 0.5, mask, out, lse, g, gq, new float[20], new float[20]);
        for (int c = 4; c < 8; c++) assertThat(gq[c]).isEqualTo(0f);
    }

    @Test
    void bitIdenticalForOneAndTwoThreads() {
        Random rnd = new Random(6);
        Sizes n = new Sizes(6, 150, 140, 24, 20);
        float[] q = random(rnd, 6 * 150 * 24, 1), k = random(rnd, 6 * 140 * 24, 1), v = random(rnd, 6 * 140 * 20, 1);
        float[] g = random(rnd, 6 * 150 * 20, 1);
        float[][] one = run(n, q, k, v, g, 1), two = run(n, q, k, v, g, 2);
        for (int i = 0; i < one.length; i++) assertThat(Arrays.equals(one[i], two[i])).as("result %d", i).isTrue();
    }

    private static float[][] run(Sizes n, float[] q, float[] k, float[] v, float[] g, int threads) {
        int before = Parallel.threads();
        try {
            Parallel.setThreads(threads);
            float[] out = new float[g.length], lse = new float[n.batch() * n.queries()];
            FlashAttention.forward(n, q, k, v, 0.3, null, out, lse);
            float[] gq = new float[q.length], gk = new float[k.length], gv = new float[v.length];
            FlashAttention.backward(n, q, k, v, 0.3, null, out, lse, g, gq, gk, gv);
            return new float[][] {out, lse, gq, gk, gv};
        } finally {
            Parallel.setThreads(before);
        }
    }
}
