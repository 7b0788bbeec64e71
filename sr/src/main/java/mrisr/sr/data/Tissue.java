package mrisr.sr.data;

/**
 * Tissue classes of the brain phantom's label map, with their integer codes (stored as float
 * values in the label volume) and their T1-like base intensities before the bias field and the
 * final scaling to [0, 1] (brain: WM &gt; GM &gt; lesion &gt; CSF &gt; background; around it in
 * head phantoms: fat &gt; marrow &gt; WM, muscle and skin about GM, bone below CSF).
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
    LESION(4, 0.40),
    /** The skull's compact bone (inner and outer tables): almost no signal. Head phantoms only, as are the next four. */
    BONE(5, 0.04),
    /** Fatty marrow of the diploë between the tables. */
    MARROW(6, 0.95),
    /** Temporal muscle and galea under the scalp fat. */
    MUSCLE(7, 0.45),
    /** Subcutaneous fat of the scalp: the brightest tissue of a T1 head. */
    FAT(8, 1.50),
    /** Skin. */
    SKIN(9, 0.55);

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
