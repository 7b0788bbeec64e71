#!/usr/bin/python3
"""Golden outputs for the interpolation baselines (mrisr.sr.methods.baseline.Interpolation).

Run with Debian's Python (numpy and scipy from python3-numpy / python3-scipy):

    /usr/bin/python3 sr/src/test/python/baseline_fixtures.py

Writes text fixtures to sr/src/test/resources/mrisr/sr/methods/baseline/. Each file holds

    # method NAME
    # in NX NY NZ
    # factors FX FY FZ
    # out MX MY MZ
    the input values (row-major, C order), one per line
    the expected output values (row-major), one per line

All factors give n*f integral, where scipy's grid_mode (scale = in/out) and mrisr's convention
(output voxel i samples input coordinate (i + 0.5)/f - 0.5) coincide.

References:
  bspline: scipy.ndimage.zoom(order=3, mode='mirror', grid_mode=True) (exact mirror prefilter).
  linear:  scipy.ndimage.zoom(order=1, mode='nearest', grid_mode=True) (edge values repeated).
  sinc:    numpy FFT zero-filling written here: the spectrum restricted to N = min(n, m) bins, the
           bin at |k| = N/2 of an even N halved on both sides, a linear phase exp(2 pi i k s / n)
           with s = (1/f - 1)/2 that moves samples to voxel centres, inverse FFT of length m,
           times m/n so that the mean is preserved.
"""
import os

import numpy as np
from scipy import ndimage

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "mrisr", "sr", "methods", "baseline")


def out_shape(shape, factors):
    m = []
    for n, f in zip(shape, factors):
        exact = n * f
        assert abs(exact - round(exact)) < 1e-12, "fixture factors must give integral sizes"
        m.append(int(round(exact)))
    return tuple(m)


def sinc_axis(x, axis, f):
    n = x.shape[axis]
    m = int(round(n * f))
    band = min(n, m)
    X = np.fft.fft(np.moveaxis(x, axis, -1), axis=-1)
    shift = (1.0 / f - 1.0) / 2.0
    Y = np.zeros(X.shape[:-1] + (m,), dtype=complex)
    for k in range(-(band // 2), band // 2 + 1):
        w = 0.5 if band % 2 == 0 and abs(k) == band // 2 else 1.0
        Y[..., k % m] += w * X[..., k % n] * np.exp(2j * np.pi * k * shift / n)
    y = np.fft.ifft(Y, axis=-1) * (m / n)
    assert np.max(np.abs(y.imag)) < 1e-9 * max(1.0, np.max(np.abs(y.real)))
    return np.moveaxis(y.real, -1, axis)


def reference(method, x, factors):
    if method == "bspline":
        return ndimage.zoom(x, factors, order=3, mode="mirror", grid_mode=True, prefilter=True)
    if method == "linear":
        return ndimage.zoom(x, factors, order=1, mode="nearest", grid_mode=True)
    if method == "sinc":
        y = x
        for a, f in enumerate(factors):
            if f != 1:
                y = sinc_axis(y, a, f)
        return y
    raise ValueError(method)


def write(name, method, x, factors):
    y = reference(method, x, factors)
    assert y.shape == out_shape(x.shape, factors), (y.shape, out_shape(x.shape, factors))
    path = os.path.join(OUT, name)
    with open(path, "w") as fh:
        fh.write("# method %s\n" % method)
        fh.write("# in %s\n" % " ".join(str(s) for s in x.shape))
        fh.write("# factors %s\n" % " ".join(repr(float(f)) for f in factors))
        fh.write("# out %s\n" % " ".join(str(s) for s in y.shape))
        for v in x.ravel():
            fh.write("%.9g\n" % v)
        for v in y.ravel():
            fh.write("%.9g\n" % v)
    print("wrote", path, x.shape, "->", y.shape)


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20240601)
    # float32-representable inputs, so Java reads exactly the values scipy used
    x = rng.standard_normal((7, 6, 4)).astype(np.float32).astype(np.float64)
    write("bspline_7x6x4_f2_3_0.5.txt", "bspline", x, (2, 3, 0.5))
    write("linear_7x6x4_f2_3_0.5.txt", "linear", x, (2, 3, 0.5))
    y = rng.standard_normal((8, 6, 5)).astype(np.float32).astype(np.float64)
    write("sinc_8x6x5_f2_0.5_3.txt", "sinc", y, (2, 0.5, 3))
    z = rng.standard_normal((6, 8, 3)).astype(np.float32).astype(np.float64)
    write("sinc_6x8x3_f1.5_0.5_1.txt", "sinc", z, (1.5, 0.5, 1))


if __name__ == "__main__":
    main()
