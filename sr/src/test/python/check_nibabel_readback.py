#!/usr/bin/python3
"""Checks that nibabel reads a NIfTI written by mrisr with the same data and affine as the original.

Usage: check_nibabel_readback.py ORIGINAL.nii[.gz] WRITTEN_BY_MRISR.nii[.gz]
The written volume may be a crop of the original at the far ends (as `mrisr demo` writes hr.nii.gz).
Exit status 0 when data (float32 exactly) and affine (1e-5 mm) agree.
"""
import sys

import nibabel as nib
import numpy as np

orig = nib.load(sys.argv[1])
ours = nib.load(sys.argv[2])
a = np.asarray(orig.get_fdata(dtype=np.float32))
b = np.asarray(ours.get_fdata(dtype=np.float32))
crop = a[tuple(slice(0, n) for n in b.shape)]
same_data = np.array_equal(crop, b)
affine_err = float(np.max(np.abs(orig.affine - ours.affine)))
print(f"shape original {a.shape} written {b.shape}; data equal: {same_data}; max affine difference {affine_err:.3g} mm")
print(f"sform code {int(ours.header['sform_code'])}, qform code {int(ours.header['qform_code'])}, "
      f"axis codes {nib.aff2axcodes(ours.affine)} vs {nib.aff2axcodes(orig.affine)}")
sys.exit(0 if same_data and affine_err < 1e-5 else 1)
