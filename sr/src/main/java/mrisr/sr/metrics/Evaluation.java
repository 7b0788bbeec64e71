package mrisr.sr.metrics;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import mrisr.sr.volume.Volume;

/**
 * Every full-reference metric of a test volume against a reference, as {@code mrisr eval} reports
 * them: PSNR, SSIM, MS-SSIM, NRMSE, HFEN, VIF and, given a tissue label map, CNR; and, when the
 * low-resolution input and its forward model are known, the {@link DataConsistency} of the test
 * volume with that input (which needs no reference).
 *
 * <p>All metrics share one data range R (explicit, or the reference's {@code max − min}) and one
 * mask: voxels where the mask volume is {@code > 0}. When the mask is a label map (integer values)
 * that contains both CNR labels (default 3 = white matter and 2 = grey matter, the codes of
 * {@link mrisr.sr.data.Tissue}), CNR is reported for the test image ({@code cnr}) and for the reference
 * ({@code cnr_ref}). A metric the volume is too small for (SSIM needs 11 voxels per axis, MS-SSIM
 * two scales, i.e. 22) is skipped with a note instead of failing the whole evaluation; grids with
 * axes shorter than 176 voxels get MS-SSIM over as many scales as fit, with Wang et al.'s weights
 * rescaled to sum to 1, and the note says so.
 *
 * <pre>{@code
 * Evaluation.Report r = Evaluation.evaluate(hr, sr, labels, Evaluation.Options.defaults(), null);
 * System.out.print(r.toTable());
 * double ssim = r.metrics().get("ssim");
 * Evaluation.Report dc = Evaluation.withoutReference(sr.shape()).withDataConsistency(DataConsistency.compute(h, sr, lr));
 * }</pre>
 */
public final class Evaluation {
    /** The metric names, in report order. */
    public static final java.util.List<String> KEYS = java.util.List.of("psnr", "ssim", "ms_ssim", "nrmse", "hfen", "vif", "cnr", "cnr_ref");
    /** The data-consistency values, in report order: {@code ‖H(x̂) − y‖₂/‖y‖₂} and the RMS of {@code H(x̂) − y}. */
    public static final java.util.List<String> DATA_CONSISTENCY_KEYS = java.util.List.of("dc_residual", "dc_rms");

    private Evaluation() {}

    /**
     * Evaluation settings.
     *
     * @param dataRange          R &gt; 0, or {@code NaN} for the reference's {@code max − min}
     * @param cnrRoiLabel        label of the CNR region of interest
     * @param cnrBackgroundLabel label of the CNR background (whose spread is the noise)
     */
    public record Options(double dataRange, int cnrRoiLabel, int cnrBackgroundLabel) {
        /** Range from the reference, CNR of white matter (3) against grey matter (2). */
        public static Options defaults() {
            return new Options(Double.NaN, 3, 2);
        }
    }

    /**
     * The result of one evaluation.
     *
     * @param shape     grid of the test volume
     * @param voxels    number of voxels the reference metrics evaluated (the mask's count, or all; 0
     *                  without a reference)
     * @param dataRange R used by PSNR, SSIM, MS-SSIM and VIF; {@code NaN} without a reference
     * @param metrics   metric name → value, in report order ({@link #KEYS}, then
     *                  {@link #DATA_CONSISTENCY_KEYS}; PSNR {@code +∞} for identical volumes)
     * @param notes     metric name → how it was computed or why it was skipped
     * @param lrShape   grid of the low-resolution volume the data consistency was measured on, or
     *                  {@code null} when it was not
     */
    public record Report(int[] shape, long voxels, double dataRange, Map<String, Double> metrics, Map<String, String> notes, int[] lrShape) {
        public Report {
            shape = shape.clone();
            metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
            notes = Collections.unmodifiableMap(new LinkedHashMap<>(notes));
            lrShape = lrShape == null ? null : lrShape.clone();
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        @Override
        public int[] lrShape() {
            return lrShape == null ? null : lrShape.clone();
        }

        /** Whether the reference metrics were computed (a reference volume was given). */
        public boolean hasReference() {
            return !Double.isNaN(dataRange);
        }

        /**
         * This report plus the data consistency of the same test volume with its low-resolution input
         * ({@code dc_residual}, {@code dc_rms}).
         */
        public Report withDataConsistency(DataConsistency.Result dc) {
            Map<String, Double> m = new LinkedHashMap<>(metrics);
            Map<String, String> n = new LinkedHashMap<>(notes);
            m.put("dc_residual", dc.relative());
            m.put("dc_rms", dc.rms());
            n.put("dc_residual", "||H(test) - LR|| / ||LR||, LR = the low-resolution input");
            n.put("dc_rms", "root mean square of H(test) - LR, intensity units");
            return new Report(shape, voxels, dataRange, m, n, dc.residualMap().shape());
        }

        /**
         * A fixed-width table, one metric per line ("n/a" and the reason for skipped ones), then the
         * data-consistency lines when they were measured.
         */
        public String toTable() {
            StringBuilder sb = new StringBuilder();
            if (hasReference()) {
                sb.append(String.format(Locale.ROOT, "grid %s, %d voxels evaluated, data range %s",
                        Arrays.toString(shape), voxels, number(dataRange))).append('\n');
                sb.append(String.format(Locale.ROOT, "%-8s  %-12s  %s", "metric", "value", "notes").stripTrailing()).append('\n');
                for (String key : KEYS) {
                    Double v = metrics.get(key);
                    String value;
                    if (v == null) {
                        if (!notes.containsKey(key)) continue;
                        value = "n/a";
                    } else if (key.equals("psnr")) {
                        value = Double.isInfinite(v) ? "inf dB" : String.format(Locale.ROOT, "%.4f dB", v);
                    } else {
                        value = String.format(Locale.ROOT, "%.6f", v);
                    }
                    sb.append(String.format(Locale.ROOT, "%-8s  %-12s  %s", key, value, notes.getOrDefault(key, "")).stripTrailing()).append('\n');
                }
            } else {
                sb.append(String.format(Locale.ROOT, "grid %s, no reference volume: reference metrics skipped", Arrays.toString(shape))).append('\n');
            }
            if (lrShape != null) {
                sb.append(String.format(Locale.ROOT, "data consistency with the low-resolution input, grid %s", Arrays.toString(lrShape))).append('\n');
                for (String key : DATA_CONSISTENCY_KEYS) {
                    sb.append(String.format(Locale.ROOT, "%-11s  %-12s  %s", key, String.format(Locale.ROOT, "%.6g", metrics.get(key)),
                            notes.getOrDefault(key, "")).stripTrailing()).append('\n');
                }
            }
            return sb.toString();
        }

        /**
         * One JSON object: {@code shape}, {@code voxels}, {@code data_range}, then {@code psnr},
         * {@code ssim}, {@code ms_ssim}, {@code nrmse}, {@code hfen}, {@code vif}, {@code cnr},
         * {@code cnr_ref}, {@code dc_residual}, {@code dc_rms} — always present, {@code null} where
         * skipped, not measured or not finite (PSNR of identical volumes) — then {@code lr_shape}
         * ({@code null} without data consistency) and {@code notes}.
         */
        public String toJson() {
            StringBuilder sb = new StringBuilder("{");
            sb.append("\"shape\": ").append(Arrays.toString(shape));
            sb.append(", \"voxels\": ").append(voxels);
            sb.append(", \"data_range\": ").append(jsonNumber(dataRange));
            for (java.util.List<String> keys : java.util.List.of(KEYS, DATA_CONSISTENCY_KEYS)) {
                for (String key : keys) {
                    Double v = metrics.get(key);
                    sb.append(", ").append(jsonString(key)).append(": ").append(v == null ? "null" : jsonNumber(v));
                }
            }
            sb.append(", \"lr_shape\": ").append(lrShape == null ? "null" : Arrays.toString(lrShape));
            sb.append(", \"notes\": {");
            boolean first = true;
            for (Map.Entry<String, String> e : notes.entrySet()) {
                if (!first) sb.append(", ");
                first = false;
                sb.append(jsonString(e.getKey())).append(": ").append(jsonString(e.getValue()));
            }
            return sb.append("}}\n").toString();
        }

        private static String number(double v) {
            return String.format(Locale.ROOT, "%.6g", v);
        }

        private static String jsonNumber(double v) {
            return Double.isFinite(v) ? Double.toString(v) : "null";
        }

        private static String jsonString(String s) {
            StringBuilder sb = new StringBuilder("\"");
            for (char c : s.toCharArray()) {
                switch (c) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    case '\n' -> sb.append("\\n");
                    default -> {
                        if (c < 0x20) sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                        else sb.append(c);
                    }
                }
            }
            return sb.append('"').toString();
        }
    }

    /**
     * Evaluates {@code test} against {@code ref}.
     *
     * @param ref      reference volume (3-D, finite)
     * @param test     test volume, same shape
     * @param mask     mask or label map, same shape ({@code > 0} = evaluated), or {@code null}
     * @param progress told the name of each metric before it is computed; may be {@code null}
     * @throws MetricException for mismatched shapes, non-finite voxels, an empty mask or a bad range
     */
    public static Report evaluate(Volume ref, Volume test, Volume mask, Options options, Consumer<String> progress) {
        Consumer<String> step = progress == null ? name -> { } : progress;
        Inputs.Pair p = Inputs.pair(ref, test, mask);
        float[] r = p.ref(), t = p.test();
        int[] shape = p.shape();
        boolean[] m = p.mask();
        double range = Inputs.rangeOrDefault(options.dataRange(), r);
        Map<String, Double> metrics = new LinkedHashMap<>();
        Map<String, String> notes = new LinkedHashMap<>();

        step.accept("psnr");
        double psnr = Psnr.compute(r, t, shape, m, range);
        metrics.put("psnr", psnr);
        if (Double.isInfinite(psnr)) notes.put("psnr", "identical volumes");

        Grid x = Grid.of(r), y = Grid.of(t);
        int[] squeezed = Inputs.squeeze(shape);

        step.accept("ssim");
        double[] finestScale = null; // SSIM's {mean SSIM, mean cs}: MS-SSIM's first scale
        try {
            Ssim.checkWindow(shape, "SSIM");
            finestScale = Ssim.meanSsimAndCs(x, y, squeezed, m, Ssim.c1(range), Ssim.c2(range));
            metrics.put("ssim", finestScale[0]);
            notes.put("ssim", squeezed.length + "-D Gaussian window, sigma 1.5 voxels");
        } catch (MetricException e) {
            notes.put("ssim", e.getMessage());
        }

        step.accept("ms_ssim");
        int scales = MsSsim.maxScales(shape);
        if (scales < 2) {
            notes.put("ms_ssim", "needs at least 2 scales: every axis >= " + MsSsim.minimumSize(2) + " voxels");
        } else {
            try {
                metrics.put("ms_ssim", MsSsim.msssim(x, y, squeezed, m, range, MsSsim.truncatedWeights(scales), finestScale));
                notes.put("ms_ssim", scales == 5 ? "5 scales" : scales + " scales (grid too small for 5; weights rescaled)");
            } catch (MetricException e) {
                notes.put("ms_ssim", e.getMessage());
            }
        }

        step.accept("nrmse");
        metrics.put("nrmse", Nrmse.compute(r, t, shape, m));
        step.accept("hfen");
        metrics.put("hfen", Hfen.hfen(x, y, shape, m));
        step.accept("vif");
        metrics.put("vif", Vif.vif(x, y, shape, m, range));

        step.accept("cnr");
        cnr(mask, r, t, options, metrics, notes);
        return new Report(shape, Psnr.count(m, r.length), range, metrics, notes, null);
    }

    /**
     * An empty report for a test volume of grid {@code shape} that has no reference: no reference
     * metrics, to be completed with {@link Report#withDataConsistency}.
     */
    public static Report withoutReference(int[] shape) {
        return new Report(shape, 0, Double.NaN, Map.of(), Map.of(), null);
    }

    private static void cnr(Volume mask, float[] ref, float[] test, Options o, Map<String, Double> metrics, Map<String, String> notes) {
        String labels = "labels " + o.cnrRoiLabel() + " vs " + o.cnrBackgroundLabel();
        if (mask == null) {
            notes.put("cnr", "needs a label map as mask (" + labels + ")");
            return;
        }
        float[] l = mask.data().toArray();
        boolean roi = false, background = false;
        for (float v : l) {
            long c = Math.round(v);
            roi |= c == o.cnrRoiLabel();
            background |= c == o.cnrBackgroundLabel();
        }
        if (!roi || !background) {
            notes.put("cnr", "the mask has no voxel with label " + (roi ? o.cnrBackgroundLabel() : o.cnrRoiLabel()) + " (" + labels + ")");
            return;
        }
        metrics.put("cnr", Cnr.compute(test, l, o.cnrRoiLabel(), o.cnrBackgroundLabel()));
        metrics.put("cnr_ref", Cnr.compute(ref, l, o.cnrRoiLabel(), o.cnrBackgroundLabel()));
        notes.put("cnr", labels + ", test volume");
        notes.put("cnr_ref", labels + ", reference volume");
    }
}
