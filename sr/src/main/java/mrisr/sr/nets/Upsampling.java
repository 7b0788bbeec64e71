package mrisr.sr.nets;

import java.util.Locale;
import mrisr.sr.InputException;

/**
 * Where a super-resolution network changes the grid. Either way the network predicts a residual
 * over the cubic B-spline interpolation {@code U(y)} of the low-resolution input {@code y}, and the
 * result is {@code x̂ = U(y) + R_θ(·)} (global residual learning).
 */
public enum Upsampling {
    /**
     * Pre-upsampling: {@code x̂ = U(y) + R_θ(U(y))}; every layer runs on the high-resolution grid. Works
     * for any integer factors, also anisotropic ones such as {@code 1,1,4} (thick slices), where a
     * sub-pixel layer would have to shuffle different factors per axis. Costs {@code Πf} times more
     * per layer than sub-pixel.
     */
    PRE("pre"),
    /**
     * Sub-pixel (ESPCN): {@code x̂ = U(y) + shuffle_r(R_θ(y))}; the layers run on the low-resolution
     * grid and a last convolution to {@code r³} channels is rearranged by {@link mrisr.nn.PixelShuffle3d}
     * into an {@code r×} finer grid. Needs the same integer factor {@code r ≥ 2} on all three axes.
     */
    SUBPIXEL("subpixel");

    private final String cliName;

    Upsampling(String cliName) {
        this.cliName = cliName;
    }

    /** The name on the command line and in model files: {@code pre} or {@code subpixel}. */
    public String cliName() {
        return cliName;
    }

    /**
     * The variant called {@code name}.
     *
     * @throws InputException naming the accepted values
     */
    public static Upsampling parse(String name) {
        for (Upsampling u : values()) if (u.cliName.equals(name.trim().toLowerCase(Locale.ROOT))) return u;
        throw new InputException("--upsampling '" + name + "' is not one of pre, subpixel");
    }

    /**
     * The natural choice for {@code factors}: sub-pixel when all three are the same integer ≥ 2
     * (isotropic, cheapest), pre-upsampling otherwise (anisotropic, e.g. {@code 1,1,4}).
     */
    public static Upsampling defaultFor(int[] factors) {
        return factors[0] == factors[1] && factors[1] == factors[2] && factors[0] >= 2 ? SUBPIXEL : PRE;
    }
}
