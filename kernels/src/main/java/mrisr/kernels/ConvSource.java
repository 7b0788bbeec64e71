package mrisr.kernels;

import java.util.Arrays;
import java.util.List;

/**
 * The source of a direct convolution kernel: a zero-padded copy of the source planes in which every
 * tap of every target reads a valid index, split into {@code scaleW} phases along the width so that
 * consecutive targets read consecutive elements whatever the stride.
 *
 * <p>Padded coordinate {@code (pd, ph, pw)} holds source {@code (pd − leftD, ph − leftH, pw − leftW)}
 * (zero outside) at {@code base + plane·chStride + pd·planeStride + ph·rowStride + (pw mod phases)·phaseLen
 * + pw / phases}. A target {@code (td, th, tw)} with tap {@code (a, b, e)} of a lowering then reads
 * {@code rowOrigin(td, th) + tw + tapOffset}: a contiguous run along {@code tw}, which is what lets the
 * micro-kernels load whole vectors of the source without packing. The copy costs one pass over the
 * source (about the input's size in memory); {@link #SLACK} zeros at the end let a partial vector tile
 * read past the last row.
 *
 * <p>The calling thread keeps its last copy (up to {@link #KEEP_LIMIT} floats) for the next call: a
 * call with the same layout overwrites only the interior (the padding is still zero), one with another
 * layout zeroes what it uses first. This saves allocating and zeroing a volume-sized array per pass
 * (the forward, backward-data and backward-weight passes of one layer share the layout).
 */
final class ConvSource {
    /** Zero floats after the last plane: a partial tile of two vectors may read that far past the last row. */
    static final int SLACK = 4 * KernelInfo.species().length();

    /** Largest copy, in floats (64 MiB), that a thread keeps between calls. */
    static final int KEEP_LIMIT = 1 << 24;

    /** A thread's last copy and the layout it holds. */
    record Kept(float[] data, long[] layout) {}

    private static final ThreadLocal<Kept> KEPT = new ThreadLocal<>();

    final float[] data;
    final int base, chStride, planeStride, rowStride, phases, phaseLen, leftD, leftH, leftW;

    private ConvSource(float[] data, int base, int chStride, int planeStride, int rowStride, int phases,
            int phaseLen, int leftD, int leftH, int leftW) {
        this.data = data;
        this.base = base;
        this.chStride = chStride;
        this.planeStride = planeStride;
        this.rowStride = rowStride;
        this.phases = phases;
        this.phaseLen = phaseLen;
        this.leftD = leftD;
        this.leftH = leftH;
        this.leftW = leftW;
    }

    /**
     * A padded, phase-split copy of {@code planes} source planes (all lowerings share the source sizes
     * and {@code w.scale}).
     *
     * @param src    planes {@code [planes][D][H][W]} from {@code srcOff} (not modified)
     */
    static ConvSource padded(float[] src, int srcOff, int planes, List<ConvLowering> lowerings) {
        ConvLowering first = lowerings.get(0);
        int srcD = first.d.source, srcH = first.h.source, srcW = first.w.source, phases = first.w.scale;
        int leftD = 0, leftH = 0, leftW = 0, extD = 1, extH = 1, extW = 1;
        for (ConvLowering l : lowerings) {
            leftD = Math.max(leftD, -l.d.minShift());
            leftH = Math.max(leftH, -l.h.minShift());
            leftW = Math.max(leftW, -l.w.minShift());
        }
        for (ConvLowering l : lowerings) {
            extD = Math.max(extD, l.d.scale * (l.d.targets - 1) + l.d.maxShift() + leftD + 1);
            extH = Math.max(extH, l.h.scale * (l.h.targets - 1) + l.h.maxShift() + leftH + 1);
            extW = Math.max(extW, l.w.scale * (l.w.targets - 1) + l.w.maxShift() + leftW + 1);
        }
        int phaseLen = Math.ceilDiv(extW, phases);
        int rowStride = Math.multiplyExact(phases, phaseLen);
        int planeStride = Math.multiplyExact(extH, rowStride);
        int chStride = Math.multiplyExact(extD, planeStride);
        // planes a multiple of 4 KiB apart would all map to the same L1 sets
        if (chStride % 1024 == 0) chStride += 16;
        int size = Math.addExact(Math.multiplyExact(planes, chStride), SLACK);
        int copyD = Math.min(srcD, extD - leftD), copyH = Math.min(srcH, extH - leftH);
        int copyW = Math.min(srcW, extW - leftW);
        long[] layout = {size, planes, chStride, planeStride, rowStride, phases, phaseLen, leftD, leftH, leftW, copyD,
            copyH, copyW, srcD, srcH, srcW};
        float[] data = buffer(KEPT, size, layout);
        int planeCost = Math.max(1, copyD * copyH * copyW);
        int cs = chStride;
        int fLeftD = leftD, fLeftH = leftH, fLeftW = leftW;
        Parallel.forRange(planes, Parallel.grain(planes, planeCost), (lo, hi) -> {
            for (int p = lo; p < hi; p++) {
                for (int sd = 0; sd < copyD; sd++) {
                    for (int sh = 0; sh < copyH; sh++) {
                        int from = srcOff + ((p * srcD + sd) * srcH + sh) * srcW;
                        int to = p * cs + (sd + fLeftD) * planeStride + (sh + fLeftH) * rowStride;
                        if (phases == 1) {
                            System.arraycopy(src, from, data, to + fLeftW, copyW);
                        } else {
                            for (int sw = 0; sw < copyW; sw++) {
                                int pw = sw + fLeftW;
                                data[to + (pw % phases) * phaseLen + pw / phases] = src[from + sw];
                            }
                        }
                    }
                }
            }
        });
        return new ConvSource(data, 0, chStride, planeStride, rowStride, phases, phaseLen, leftD, leftH, leftW);
    }

    /**
     * The thread's array in {@code slot} when it holds at least {@code size} floats, else a new one, kept
     * there when at most {@link #KEEP_LIMIT} floats. Contents are whatever the last use left: callers
     * write before they read.
     */
    static float[] scratch(ThreadLocal<float[]> slot, int size) {
        float[] kept = slot.get();
        if (kept != null && kept.length >= size) return kept;
        float[] fresh = new float[size];
        if (size <= KEEP_LIMIT) slot.set(fresh);
        return fresh;
    }

    /**
     * A zeroed array of at least {@code size} floats, or the thread's copy kept in {@code slot} when it
     * holds exactly {@code layout} (whose padding positions are then still zero). Callers write only
     * the positions that are not padding, so the kept copy can be reused by the next call.
     */
    static float[] buffer(ThreadLocal<Kept> slot, int size, long[] layout) {
        Kept kept = slot.get();
        if (kept != null && Arrays.equals(kept.layout, layout)) return kept.data;
        float[] data = kept != null && kept.data.length >= size ? kept.data : new float[size];
        if (kept != null && data == kept.data) {
            int grain = 1 << 18;
            Parallel.forRange(Math.ceilDiv(size, grain), 1,
                    (lo, hi) -> Arrays.fill(data, lo * grain, Math.min(size, hi * grain), 0f));
        }
        slot.set(size <= KEEP_LIMIT ? new Kept(data, layout) : kept);
        return data;
    }

    /**
     * The source array itself, for a lowering whose every tap reads inside the source along
     * contiguous rows (no padding, unit width stride), or null when a copy is needed.
     */
    static ConvSource direct(float[] src, int srcOff, ConvLowering l) {
        boolean inside = l.w.scale == 1 && l.d.minShift() >= 0 && l.h.minShift() >= 0 && l.w.minShift() >= 0
                && l.d.scale * (l.d.targets - 1) + l.d.maxShift() < l.d.source
                && l.h.scale * (l.h.targets - 1) + l.h.maxShift() < l.h.source
                && (l.w.targets - 1) + l.w.maxShift() < l.w.source;
        if (!inside) return null;
        int rowStride = l.w.source, planeStride = l.h.source * rowStride;
        return new ConvSource(src, srcOff, l.d.source * planeStride, planeStride, rowStride, 1, rowStride, 0, 0, 0);
    }

    /** Offset of reduction row {@code kk}'s tap relative to its channel-0 row origin. */
    int[] tapOffsets(ConvLowering l) {
        int k = l.depth(), taps = l.taps(), tapsW = l.w.taps(), tapsHW = l.h.taps() * tapsW;
        int[] off = new int[k];
        for (int kk = 0; kk < k; kk++) {
            int c = kk / taps, tap = kk - c * taps;
            int a = tap / tapsHW, b = (tap - a * tapsHW) / tapsW, e = tap % tapsW;
            int pw = l.w.shift[e] + leftW;
            off[kk] = c * chStride + (l.d.shift[a] + leftD) * planeStride + (l.h.shift[b] + leftH) * rowStride
                    + (pw % phases) * phaseLen + pw / phases;
        }
        return off;
    }

    /** Offset of target row {@code (td, th)}'s first element ({@code tw = 0}, before the tap offset). */
    int rowOrigin(ConvLowering l, int row) {
        int td = row / l.h.targets, th = row - td * l.h.targets;
        return td * l.d.scale * planeStride + th * l.h.scale * rowStride;
    }
}
