package mrisr.sr.data;

/**
 * Tissue classes of the brain phantom's label map, with their integer codes (stored as float
 * values in the label volume) and their T1-like base intensities before the bias field and the
 * final scaling to [0, 1] (WM &gt; GM &gt; lesion &gt; CSF &gt; background).
 *
 * <pre>{@code
 * boolean wm = Math.round(labels[i]) == Tissue.WHITE_MATTER.code();
 * }</pre>
 */
public enum Tissue {
    BACKGROUND(0, 0.0),
    CSF(1, 0.22),
    GREY_MATTER(2, 0.58),
    WHITE_MATTER(3, 0.86),
    /** White-matter lesions, hypointense on T1 like chronic MS plaques. */
    LESION(4, 0.40);

    private final int code;
    private final double intensity;

    Tissue(int code, double intensity) {
        this.code = code;
        this.intensity = intensity;
    }

    /** The value of this class in the label map. */
    public int code() {
        return code;
    }

    /** The T1-like base intensity (before bias field and scaling). */
    public double intensity() {
        return intensity;
    }
}
