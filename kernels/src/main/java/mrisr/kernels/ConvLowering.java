package mrisr.kernels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import mrisr.kernels.reference.SlidingWindow;

/**
 * One convolution pass lowered to an implicit GEMM over a grid of target positions.
 *
 * <p>For one group, with {@code channels} source channels and the taps {@code (a, b, e)} kept on the
 * three axes, the lowered problem is
 * <pre>
 *   out[m, t] = Σ_{c, a, b, e} A[m, (c,a,b,e)] · src[c, scaleD·td + shiftD[a], scaleH·th + shiftH[b], scaleW·tw + shiftW[e]]
 * </pre>
 * for target positions {@code t = (td, th, tw)}, reading zero outside the source; the result goes to
 * {@code out} at {@code outBase + td·outStrideD + th·outStrideH + tw·outStrideW} within a channel
 * plane. The reduction index {@code kk = ((c·tapsD + a)·tapsH + b)·tapsW + e} runs channel-major.
 *
 * <p>The forward pass is one lowering (targets = output positions, source = input, scale = stride,
 * {@code shift = k·dilation − padding}). The adjoint in {@code x} (backward data, transposed
 * convolution) splits into one lowering per stride residue class {@code r}: input positions
 * {@code i = q·stride + r} receive {@code gy[q + (r + padding − k·dilation)/stride]} from exactly the
 * taps {@code k} with {@code r + padding − k·dilation ≡ 0 (mod stride)}, so each class is a stride-1
 * correlation over {@code gy} without the zero taps a scatter formulation would multiply. Taps that
 * read only padding for every target are dropped.
 */
final class ConvLowering {

    /** One spatial axis of a lowering. */
    static final class Axis {
        /** Source size, target count, source step per target, and where targets land in the output plane. */
        final int source, targets, scale, outBase, outStride;
        /** Per kept tap: the source shift and the tap's index in the weight. */
        final int[] shift, kernel;
        /** Per kept tap: the targets {@code [first, end)} whose source index is inside the source. */
        final int[] first, end;

        Axis(int source, int targets, int scale, int outBase, int outStride, int[] shift, int[] kernel) {
            this.source = source;
            this.targets = targets;
            this.scale = scale;
            this.outBase = outBase;
            this.outStride = outStride;
            this.shift = shift;
            this.kernel = kernel;
            first = new int[shift.length];
            end = new int[shift.length];
            for (int i = 0; i < shift.length; i++) {
                first[i] = shift[i] >= 0 ? 0 : Math.ceilDiv(-shift[i], scale);
                end[i] = Math.min(targets, Math.floorDiv(source - 1 - shift[i], scale) + 1);
            }
        }

        int taps() {
            return shift.length;
        }

        int minShift() {
            return Arrays.stream(shift).min().orElse(0);
        }

        int maxShift() {
            return Arrays.stream(shift).max().orElse(0);
        }

        /** Forward: target {@code o} reads {@code o·stride − padding + k·dilation}. */
        static Axis forward(int in, int kernel, int out, int stride, int padding, int dilation, int outStride) {
            int[] shift = new int[kernel], index = new int[kernel];
            int kept = 0;
            for (int k = 0; k < kernel; k++) {
                int s = k * dilation - padding;
                if (reaches(s, stride, out, in)) {
                    shift[kept] = s;
                    index[kept++] = k;
                }
            }
            return new Axis(in, out, stride, 0, outStride, Arrays.copyOf(shift, kept), Arrays.copyOf(index, kept));
        }

        /** Backward data, residue class {@code r}: input {@code q·stride + r} reads {@code gy[q + (r + padding − k·dilation)/stride]}. */
        static Axis residue(int in, int kernel, int out, int stride, int padding, int dilation, int inStride, int r) {
            int targets = r < in ? (in - r + stride - 1) / stride : 0;
            int[] shift = new int[kernel], index = new int[kernel];
            int kept = 0;
            // taps in ascending shift order, so a tile's reduction walks the source forwards (as the
            // forward pass does); the descending order ran backward data 1.4x slower than forward
            for (int k = kernel - 1; k >= 0; k--) {
                int num = r + padding - k * dilation;
                if (Math.floorMod(num, stride) != 0) continue;
                int s = Math.floorDiv(num, stride);
                if (reaches(s, 1, targets, out)) {
                    shift[kept] = s;
                    index[kept++] = k;
                }
            }
            return new Axis(out, targets, 1, r * inStride, stride * inStride, Arrays.copyOf(shift, kept),
                    Arrays.copyOf(index, kept));
        }

        /** Whether some target in {@code [0, targets)} reads inside {@code [0, source)} with this shift. */
        private static boolean reaches(int shift, int scale, int targets, int source) {
            return targets > 0 && shift <= source - 1 && (long) scale * (targets - 1) + shift >= 0;
        }
    }

    final Axis d, h, w;
    /** Source channels per group. */
    final int channels;

    private ConvLowering(Axis d, Axis h, Axis w, int channels) {
        this.d = d;
        this.h = h;
        this.w = w;
        this.channels = channels;
    }

    /** The forward convolution with {@code cPerGroup} input channels per group. */
    static ConvLowering forward(SlidingWindow win, int cPerGroup) {
        int outW = win.outWidth, outHW = win.outHeight * outW;
        return new ConvLowering(
                Axis.forward(win.inDepth, win.kernelDepth, win.outDepth, win.strideDepth, win.paddingDepth,
                        win.dilationDepth, outHW),
                Axis.forward(win.inHeight, win.kernelHeight, win.outHeight, win.strideHeight, win.paddingHeight,
                        win.dilationHeight, outW),
                Axis.forward(win.inWidth, win.kernelWidth, win.outWidth, win.strideWidth, win.paddingWidth,
                        win.dilationWidth, 1),
                cPerGroup);
    }

    /**
     * A 1×1×1 convolution with stride 1 and no padding seen as one row of {@code volume} targets: a
     * plain GEMM {@code out[m, t] = Σ_c A[m, c] · src[c, t]} whatever the pass.
     */
    static ConvLowering pointwise(int volume, int channels) {
        Axis one = new Axis(1, 1, 1, 0, volume, new int[] {0}, new int[] {0});
        Axis row = new Axis(volume, volume, 1, 0, 1, new int[] {0}, new int[] {0});
        return new ConvLowering(one, one, row, channels);
    }

    /** The residue classes of the adjoint in {@code x} with {@code oPerGroup} source (gy) channels per group; empty classes left out. */
    static List<ConvLowering> backwardData(SlidingWindow win, int oPerGroup) {
        int inW = win.inWidth, inHW = win.inHeight * inW;
        List<ConvLowering> classes = new ArrayList<>();
        for (int rd = 0; rd < win.strideDepth; rd++) {
            Axis d = Axis.residue(win.inDepth, win.kernelDepth, win.outDepth, win.strideDepth, win.paddingDepth,
                    win.dilationDepth, inHW, rd);
            if (d.targets == 0) continue;
            for (int rh = 0; rh < win.strideHeight; rh++) {
                Axis h = Axis.residue(win.inHeight, win.kernelHeight, win.outHeight, win.strideHeight,
                        win.paddingHeight, win.dilationHeight, inW, rh);
                if (h.targets == 0) continue;
                for (int rw = 0; rw < win.strideWidth; rw++) {
                    Axis w = Axis.residue(win.inWidth, win.kernelWidth, win.outWidth, win.strideWidth,
                            win.paddingWidth, win.dilationWidth, 1, rw);
                    if (w.targets > 0) classes.add(new ConvLowering(d, h, w, oPerGroup));
                }
            }
        }
        return classes;
    }

    int taps() {
        return d.taps() * h.taps() * w.taps();
    }

    /** The GEMM reduction length {@code K = channels · taps}. */
    int depth() {
        return channels * taps();
    }

    /** Target rows {@code (td, th)}. */
    int rows() {
        return d.targets * h.targets;
    }

    /** Target positions. */
    int targets() {
        return rows() * w.targets;
    }

    /** Whether target {@code t} (flattened row-major) lands at {@code outBase + t}. */
    boolean contiguousOutput() {
        return w.outStride == 1 && h.outStride == w.targets && d.outStride == h.targets * w.targets
                && d.outBase + h.outBase + w.outBase == 0;
    }

    /** Where target {@code t} (flattened row-major) lands in the output channel plane. */
    int outIndex(int t) {
        int row = t / w.targets, tw = t - row * w.targets;
        int td = row / h.targets, th = row - td * h.targets;
        return d.outBase + h.outBase + w.outBase + td * d.outStride + th * h.outStride + tw * w.outStride;
    }

    /** The weight's flat tap index {@code (kd·kH + kh)·kW + kw} of reduction index {@code kk}'s tap. */
    int weightTap(int kk, int kH, int kW) {
        int tap = kk % taps();
        int e = tap % w.taps(), ab = tap / w.taps();
        int b = ab % h.taps(), a = ab / h.taps();
        return (d.kernel[a] * kH + h.kernel[b]) * kW + w.kernel[e];
    }

    /**
     * Packs the source values of reduction rows {@code [k0, k0 + kc)} for targets {@code [p0, p1)}, zero
     * where a tap reads padding: im2col of one block. Targets are cut into tiles of {@code width}; the
     * value of row {@code kk} at target {@code t} (with {@code i = t − p0}) goes to
     * {@code panel[(i / width)·kc·width + (kk − k0)·width + i % width]}, so each tile is one contiguous
     * {@code [kc][width]} block.
     *
     * @param src   source planes {@code [channels][source.d][source.h][source.w]} of this group and sample, from {@code srcOff} (not modified)
     * @param panel modified: receives the block
     */
    void gather(float[] src, int srcOff, int k0, int kc, int p0, int p1, float[] panel, int width) {
        int tapsW = w.taps(), tapsHW = h.taps() * tapsW, taps = taps();
        int srcPlane = d.source * h.source * w.source, rowLen = w.targets, tileSize = kc * width;
        for (int kk = k0; kk < k0 + kc; kk++) {
            int c = kk / taps, tap = kk - c * taps;
            int a = tap / tapsHW, b = (tap - a * tapsHW) / tapsW, e = tap % tapsW;
            int channel = srcOff + c * srcPlane, rowOff = (kk - k0) * width;
            int shiftW = w.shift[e], firstW = w.first[e], endW = w.end[e];
            for (int t = p0; t < p1;) {
                int row = t / rowLen, tw0 = t - row * rowLen, i = t - p0;
                // one piece: inside one row and one tile
                int len = Math.min(Math.min(rowLen - tw0, p1 - t), width - i % width);
                int dst = (i / width) * tileSize + rowOff + i % width;
                int td = row / h.targets, th = row - td * h.targets;
                int sd = d.scale * td + d.shift[a], sh = h.scale * th + h.shift[b];
                int lo = Math.max(tw0, firstW), hi = Math.min(tw0 + len, endW);
                if (sd < 0 || sd >= d.source || sh < 0 || sh >= h.source || lo >= hi) {
                    Arrays.fill(panel, dst, dst + len, 0f);
                } else {
                    Arrays.fill(panel, dst, dst + lo - tw0, 0f);
                    int rowBase = channel + (sd * h.source + sh) * w.source + shiftW;
                    if (w.scale == 1) {
                        System.arraycopy(src, rowBase + lo, panel, dst + lo - tw0, hi - lo);
                    } else {
                        for (int tw = lo; tw < hi; tw++) panel[dst + tw - tw0] = src[rowBase + tw * w.scale];
                    }
                    Arrays.fill(panel, dst + hi - tw0, dst + len, 0f);
                }
                t += len;
            }
        }
    }
}
