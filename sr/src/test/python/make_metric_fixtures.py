#!/usr/bin/python3
"""Golden values for mrisr's image-quality metrics (tests in sr/src/test/java/mrisr/sr/metrics).

Run with Debian's Python and packages (apt-get install -y python3-skimage python3-scipy python3-numpy):

    /usr/bin/python3 sr/src/test/python/make_metric_fixtures.py

It writes, under sr/src/test/resources/metrics/:
  * pairs of reference/test images: 2-D 37x41 and 3-D 23x27x19 as raw little-endian float32
    (C order, i.e. row-major [i, j(, k)]), and larger 8-bit pairs for MS-SSIM (2-D 176x184,
    3-D 48x46x44) as raw uint8 whose float value is u / 255 (computed in float32);
  * masks as raw uint8 (0/1);
  * the full 2-D SSIM map as raw little-endian float64;
  * expected.properties: one `name=value` line per number.

All metrics are evaluated on the float32 data cast to float64. Where scikit-image has the metric
(PSNR, SSIM, NRMSE) its function is called; HFEN uses scipy.ndimage.gaussian_laplace; VIF is the
common `vifp_mscale` SciPy port; MS-SSIM (absent from scikit-image) and the masked variants are
written here from their definitions, with each building block checked against scikit-image.
"""

import pathlib

import numpy as np
import scipy
import skimage
from scipy import ndimage
from skimage.metrics import normalized_root_mse, peak_signal_noise_ratio, structural_similarity

OUT = pathlib.Path(__file__).resolve().parents[1] / "resources" / "metrics"
WANG = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333]
rng = np.random.default_rng(20250611)


def smooth_noise(shape, sigma):
    return ndimage.gaussian_filter(rng.standard_normal(shape), sigma, mode="reflect")


def make_pair(shape):
    """A structured reference in [0.05, 0.93] and a blurred, noisy, slightly biased test image."""
    ref = 0.5 + 2.5 * smooth_noise(shape, 2.0) + 0.08 * rng.standard_normal(shape)
    ref += (smooth_noise(shape, 1.0) > 0.05) * 0.3  # sharp edges
    ref = 0.05 + 0.88 * (ref - ref.min()) / (ref.max() - ref.min())
    test = ndimage.gaussian_filter(ref, 0.8) + 0.05 * rng.standard_normal(shape) + 0.02
    return ref.astype(np.float32), test.astype(np.float32)


def make_mask(shape):
    return smooth_noise(shape, 3.0) > -0.05


def quantise(x):
    """8-bit storage: returns the uint8 codes and the float32 image u / 255 the tests rebuild."""
    u = np.clip(np.round(x * 255), 0, 255).astype(np.uint8)
    return u, u.astype(np.float32) / np.float32(255)


def gauss(x, sigma, truncate):
    return ndimage.gaussian_filter(x, sigma, truncate=truncate, mode="reflect")


def skimage_ssim(x, y, r, full=False):
    return structural_similarity(x, y, data_range=r, gaussian_weights=True, sigma=1.5,
                                 use_sample_covariance=False, full=full)


def ssim_terms(x, y, r, mask=None):
    """Means of the SSIM map and of its contrast-structure term over the 5-voxel-cropped interior (and mask)."""
    c1, c2 = (0.01 * r) ** 2, (0.03 * r) ** 2
    ux, uy = gauss(x, 1.5, 3.5), gauss(y, 1.5, 3.5)
    vx = gauss(x * x, 1.5, 3.5) - ux * ux
    vy = gauss(y * y, 1.5, 3.5) - uy * uy
    vxy = gauss(x * y, 1.5, 3.5) - ux * uy
    s = ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux ** 2 + uy ** 2 + c1) * (vx + vy + c2))
    cs = (2 * vxy + c2) / (vx + vy + c2)
    region = interior(x.shape, 5)
    if mask is not None:
        region &= mask
    return s[region].mean(), cs[region].mean()


def interior(shape, pad):
    region = np.zeros(shape, dtype=bool)
    region[tuple(slice(pad, n - pad) for n in shape)] = True
    return region


def pool2(x):
    """2x average pooling along every axis, dropping a trailing odd voxel."""
    x = x[tuple(slice(0, 2 * (n // 2)) for n in x.shape)]
    split = []
    for n in x.shape:
        split += [n // 2, 2]
    return x.reshape(split).mean(axis=tuple(range(1, 2 * x.ndim, 2)))


def msssim(x, y, r, weights, mask=None):
    value = 1.0
    for j, w in enumerate(weights):
        if j > 0:
            x, y = pool2(x), pool2(y)
            if mask is not None:
                mask = pool2(mask.astype(np.float64)) >= 0.5
        s, cs = ssim_terms(x, y, r, mask)
        value *= max(s if j == len(weights) - 1 else cs, 0.0) ** w
    return value


def vifp_mscale(ref, dist, data_range):
    """The common SciPy port of Sheikh & Bovik's pixel-domain VIF, on intensities scaled by 255/R;
    `[::2]` decimation along every axis so it applies to 3-D as well. Returns (num, den) sums per mask."""
    sigma_nsq = 2.0
    eps = 1e-10
    ref = ref * (255.0 / data_range)
    dist = dist * (255.0 / data_range)
    terms = []
    for scale in range(1, 5):
        n = 2.0 ** (4 - scale + 1) + 1
        sd = n / 5.0
        if scale > 1:
            ref = ndimage.gaussian_filter(ref, sd)[tuple(slice(None, None, 2) for _ in ref.shape)]
            dist = ndimage.gaussian_filter(dist, sd)[tuple(slice(None, None, 2) for _ in dist.shape)]
        mu1 = ndimage.gaussian_filter(ref, sd)
        mu2 = ndimage.gaussian_filter(dist, sd)
        mu1_sq, mu2_sq, mu1_mu2 = mu1 * mu1, mu2 * mu2, mu1 * mu2
        sigma1_sq = ndimage.gaussian_filter(ref * ref, sd) - mu1_sq
        sigma2_sq = ndimage.gaussian_filter(dist * dist, sd) - mu2_sq
        sigma12 = ndimage.gaussian_filter(ref * dist, sd) - mu1_mu2
        sigma1_sq[sigma1_sq < 0] = 0
        sigma2_sq[sigma2_sq < 0] = 0
        g = sigma12 / (sigma1_sq + eps)
        sv_sq = sigma2_sq - g * sigma12
        g[sigma1_sq < eps] = 0
        sv_sq[sigma1_sq < eps] = sigma2_sq[sigma1_sq < eps]
        sigma1_sq[sigma1_sq < eps] = 0
        g[sigma2_sq < eps] = 0
        sv_sq[sigma2_sq < eps] = 0
        sv_sq[g < 0] = sigma2_sq[g < 0]
        g[g < 0] = 0
        sv_sq[sv_sq <= eps] = eps
        terms.append((np.log10(1 + g * g * sigma1_sq / (sv_sq + sigma_nsq)), np.log10(1 + sigma1_sq / sigma_nsq)))
    return terms


def vif(ref, dist, data_range, mask=None):
    num = den = 0.0
    for num_map, den_map in vifp_mscale(ref, dist, data_range):
        if mask is None:
            num += num_map.sum()
            den += den_map.sum()
        else:
            num += num_map[mask].sum()
            den += den_map[mask].sum()
        if mask is not None:
            mask = mask[tuple(slice(None, None, 2) for _ in mask.shape)]
    return num / den


def hfen(ref, test, mask=None):
    a = ndimage.gaussian_laplace(test, 1.5) - ndimage.gaussian_laplace(ref, 1.5)
    b = ndimage.gaussian_laplace(ref, 1.5)
    if mask is not None:
        a, b = a[mask], b[mask]
    return np.linalg.norm(a) / np.linalg.norm(b)


def masked_psnr(ref, test, mask, r):
    return 10 * np.log10(r * r / np.mean((ref[mask] - test[mask]) ** 2))


def masked_nrmse(ref, test, mask):
    return np.sqrt(np.mean((ref[mask] - test[mask]) ** 2)) / np.sqrt(np.mean(ref[mask] ** 2))


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    lines = [
        "# Generated by sr/src/test/python/make_metric_fixtures.py; do not edit.",
        f"# numpy {np.__version__}, scipy {scipy.__version__}, scikit-image {skimage.__version__}",
    ]

    def put(name, value):
        lines.append(f"{name}={float(value)!r}")

    for tag, shape in (("2d", (37, 41)), ("3d", (23, 27, 19))):
        ref32, test32 = make_pair(shape)
        mask = make_mask(shape)
        ref32.astype("<f4").tofile(OUT / f"ref_{tag}.f32")
        test32.astype("<f4").tofile(OUT / f"test_{tag}.f32")
        mask.astype(np.uint8).tofile(OUT / f"mask_{tag}.u8")
        ref, test = ref32.astype(np.float64), test32.astype(np.float64)
        r = float(ref.max() - ref.min())
        put(f"{tag}.data_range", r)
        put(f"{tag}.psnr", peak_signal_noise_ratio(ref, test, data_range=r))
        put(f"{tag}.psnr_range1", peak_signal_noise_ratio(ref, test, data_range=1.0))
        put(f"{tag}.psnr_masked", masked_psnr(ref, test, mask, r))
        ssim, ssim_map = skimage_ssim(ref, test, r, full=True)
        assert abs(ssim - ssim_terms(ref, test, r)[0]) < 1e-12, "local SSIM disagrees with scikit-image"
        put(f"{tag}.ssim", ssim)
        put(f"{tag}.ssim_range2", skimage_ssim(ref, test, 2.0))
        # masked SSIM: scikit-image's own full map, averaged over the cropped interior within the mask
        put(f"{tag}.ssim_masked", ssim_map[interior(shape, 5) & mask].mean())
        if tag == "2d":
            ssim_map.astype("<f8").tofile(OUT / "ssim_map_2d.f64")
        put(f"{tag}.nrmse", normalized_root_mse(ref, test, normalization="euclidean"))
        put(f"{tag}.nrmse_masked", masked_nrmse(ref, test, mask))
        put(f"{tag}.hfen", hfen(ref, test))
        put(f"{tag}.hfen_masked", hfen(ref, test, mask))
        put(f"{tag}.vif", vif(ref, test, r))
        put(f"{tag}.vif_masked", vif(ref, test, r, mask))

    for tag, shape, weights in (("ms2d", (176, 184), WANG), ("ms3d", (48, 46, 44), [0.25, 0.35, 0.4])):
        ref_u8, ref32 = quantise(make_pair(shape)[0])
        test_u8, test32 = quantise(np.clip(ndimage.gaussian_filter(ref32, 1.0) + 0.04 * rng.standard_normal(shape), 0, 1))
        mask = make_mask(shape)
        ref_u8.tofile(OUT / f"ref_{tag}.u8")
        test_u8.tofile(OUT / f"test_{tag}.u8")
        mask.astype(np.uint8).tofile(OUT / f"mask_{tag}.u8")
        ref, test = ref32.astype(np.float64), test32.astype(np.float64)
        r = float(ref.max() - ref.min())
        assert abs(ssim_terms(ref, test, r)[0] - skimage_ssim(ref, test, r)) < 1e-12
        put(f"{tag}.data_range", r)
        put(f"{tag}.ssim", skimage_ssim(ref, test, r))
        put(f"{tag}.psnr", peak_signal_noise_ratio(ref, test, data_range=r))
        put(f"{tag}.ms_ssim", msssim(ref, test, r, weights))
        put(f"{tag}.ms_ssim_masked", msssim(ref, test, r, weights, mask))

    (OUT / "expected.properties").write_text("\n".join(lines) + "\n")
    print("wrote", OUT)


if __name__ == "__main__":
    main()
