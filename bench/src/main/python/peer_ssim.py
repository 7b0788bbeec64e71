#!/usr/bin/python3
"""Times scikit-image's 3-D SSIM on a pair of volumes written by mrisr.bench.EvalVsSkimage.

    /usr/bin/python3 bench/src/main/python/peer_ssim.py REF.f32 TEST.f32 NX NY NZ DATA_RANGE [REPEATS]

REF.f32 and TEST.f32 are raw little-endian float32 volumes in C order, i.e. indexed [i, j, k] like
mrisr's tensors and nibabel's get_fdata(). The SSIM is the definition mrisr pins (sr/.../Ssim.java):

    structural_similarity(ref, test, data_range=R, gaussian_weights=True, sigma=1.5,
                          use_sample_covariance=False)

on the float32 data as stored (scikit-image 0.19 and later then filter in float32, their fastest
path; mrisr computes in float64, so the two SSIM values agree to about 1e-8). The call is repeated REPEATS times (default 3)
after no warm-up (scikit-image has no JIT); reading the files is not timed. Both wall-clock time and
the process's CPU time are measured (on a shared machine the CPU time is the steadier of the two).
Prints one JSON object: {"skimage": version, "numpy": version, "scipy": version, "ssim": value,
"seconds": [...], "median_s": m, "cpu_seconds": [...], "median_cpu_s": c}.
"""

import json
import statistics
import sys
import time

import numpy as np
import scipy
import skimage
from skimage.metrics import structural_similarity


def main(argv):
    if len(argv) not in (7, 8):
        sys.exit(__doc__)
    ref_path, test_path = argv[1], argv[2]
    shape = tuple(int(v) for v in argv[3:6])
    data_range = float(argv[6])
    repeats = int(argv[7]) if len(argv) == 8 else 3
    ref = np.fromfile(ref_path, dtype="<f4").reshape(shape)
    test = np.fromfile(test_path, dtype="<f4").reshape(shape)
    seconds, cpu_seconds = [], []
    value = None
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        value = structural_similarity(ref, test, data_range=data_range, gaussian_weights=True, sigma=1.5,
                                      use_sample_covariance=False)
        seconds.append(time.perf_counter() - start)
        cpu_seconds.append(time.process_time() - start_cpu)
    print(json.dumps({"skimage": skimage.__version__, "numpy": np.__version__, "scipy": scipy.__version__,
                      "ssim": float(value), "seconds": seconds, "median_s": statistics.median(seconds),
                      "cpu_seconds": cpu_seconds, "median_cpu_s": statistics.median(cpu_seconds)}))


if __name__ == "__main__":
    main(sys.argv)
