package mrisr.sr.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import mrisr.engine.cpu.CpuBackend;
import mrisr.sr.io.Affines;
import mrisr.sr.io.Nifti;
import mrisr.sr.io.NiftiHeader;
import mrisr.sr.io.NiftiImage;
import mrisr.sr.volume.Volume;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code mrisr info FILE}: what a NIfTI file holds — format, dimensions, voxel spacing, datatype,
 * scaling, xform codes, the affine in use and its orientation letters, and the intensity range of
 * the scaled values. A malformed file gives exit code 2 and a one-line message.
 */
@Command(name = "info", header = "Show what a NIfTI file holds: dims, spacing, datatype, affine, orientation, range.",
        mixinStandardHelpOptions = true,
        description = {
            "Print what a NIfTI-1/NIfTI-2 file (.nii or .nii.gz) holds: format, byte order, dimensions, voxel "
                + "spacing in mm, datatype, scl_slope/scl_inter, qform/sform codes, the voxel-to-world affine in use "
                + "and its orientation (e.g. RAS), and the min/max/mean of the scaled voxel values.",
            "The affine is chosen like nibabel: the sform if sform_code > 0, else the qform if qform_code > 0, "
                + "else a diagonal from pixdim."
        },
        footer = {"", "Examples:",
            "  mrisr info /usr/share/mricron/templates/ch2.nii.gz",
            "  mrisr info --max-memory 512m big.nii",
            "", "Exit codes: 0 ok, 2 malformed or unsupported file (one-line message), 1 internal error."})
public final class InfoCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "NIfTI file to describe (.nii or .nii.gz).")
    Path file;

    @Override
    public Integer call() {
        NiftiImage image = Nifti.load(file);
        PrintWriter out = spec.commandLine().getOut();
        out.print(describe(file.toString(), image));
        out.flush();
        return 0;
    }

    /** The report printed for {@code image}, one {@code label value} line per item. */
    static String describe(String name, NiftiImage image) {
        NiftiHeader h = image.header();
        Volume v = image.volume();
        StringBuilder sb = new StringBuilder();
        line(sb, "file", name);
        line(sb, "format", h.formatDescription());
        long[] dims = h.dims();
        StringBuilder d = new StringBuilder();
        for (long n : dims) d.append(d.isEmpty() ? "" : " x ").append(n);
        line(sb, "dims", d + "  (" + h.voxelCount() + " voxels)");
        double[] sp = v.spacing();
        String spacing = num(sp[0]) + " x " + num(sp[1]) + " x " + num(sp[2]) + " mm";
        String unit = h.spatialUnit();
        if (!unit.equals("mm") && !unit.equals("unknown")) spacing += "  (xyzt_units says " + unit + "; the affine is used as is)";
        if (dims.length == 4) {
            String t = h.timeUnit();
            spacing += ", time step " + num(h.pixdim()[4]) + (t.equals("unknown") ? " (xyzt_units gives no time unit)" : " " + t);
        }
        line(sb, "spacing", spacing);
        line(sb, "datatype", h.datatype() + " (code " + h.datatype().code() + ", " + h.datatype().bitpix() + " bits)");
        String slopeInter = "(scl_slope " + num(h.sclSlope()) + ", scl_inter " + num(h.sclInter()) + ")";
        if (!h.hasScaling()) line(sb, "scaling", "none  (scl_slope " + num(h.sclSlope()) + ")");
        else if (h.sclSlope() == 1 && h.sclInter() == 0) line(sb, "scaling", "identity  " + slopeInter);
        else line(sb, "scaling", "value = stored * " + num(h.sclSlope()) + " + " + num(h.sclInter()) + "  " + slopeInter);
        line(sb, "qform_code", h.qformCode() + " (" + NiftiHeader.xformName(h.qformCode()) + ")");
        line(sb, "sform_code", h.sformCode() + " (" + NiftiHeader.xformName(h.sformCode()) + ")");
        double[][] a = v.affine();
        line(sb, "affine", "from " + switch (h.affineSource()) {
            case SFORM -> "sform (srow_x, srow_y, srow_z)";
            case QFORM -> "qform (quaternion, qoffset, pixdim)";
            case PIXDIM -> "pixdim (no qform or sform; centred, x flipped, as nibabel)";
        });
        for (double[] row : a) {
            sb.append("             ");
            for (double x : row) sb.append(String.format(Locale.ROOT, " %12.6f", x == 0 ? 0.0 : x));
            sb.append('\n');
        }
        line(sb, "orientation", Affines.axisCodes(a));
        line(sb, "intensity", intensity(v));
        return sb.toString();
    }

    private static String intensity(Volume v) {
        float[] data = CpuBackend.denseData(v.data());
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, sum = 0;
        long finite = 0;
        for (float x : data) {
            if (!Float.isFinite(x)) continue;
            finite++;
            sum += x;
            if (x < min) min = x;
            if (x > max) max = x;
        }
        long bad = data.length - finite;
        if (finite == 0) return "no finite values (" + bad + " NaN or infinite)";
        String s = "min " + num(min) + ", max " + num(max) + ", mean " + num(sum / finite);
        return bad == 0 ? s : s + "  (" + bad + " NaN or infinite voxels ignored)";
    }

    private static void line(StringBuilder sb, String label, String value) {
        sb.append(String.format(Locale.ROOT, "%-13s%s%n", label, value));
    }

    /** Up to 6 significant digits, no trailing zeros. */
    private static String num(double x) {
        if (x == Math.rint(x) && Math.abs(x) < 1e15) return Long.toString((long) x);
        String s = String.format(Locale.ROOT, "%.6g", x);
        if (s.contains("e")) return s;
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }
}
