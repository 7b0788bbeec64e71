#!/usr/bin/python3
"""Writes the NIfTI reader/writer fixtures under sr/src/test/resources/nifti/ with nibabel.

Run from anywhere with Debian's Python (nibabel comes from ``apt-get install -y python3-nibabel``):

    /usr/bin/python3 sr/src/test/python/make_nifti_fixtures.py

It writes

* small volumes (7x6x5, one 2-D and one 4-D) in every datatype the reader supports, with
  qform-only, sform-only, oblique and fallback (no xform) affines, big-endian byte order,
  NIfTI-2 and gzip compression;
* ``expected.txt``: for each volume what nibabel reads back from it (the format, datatype,
  shape, scl_slope/scl_inter, xform codes, ``img.affine``, ``aff2axcodes`` and every value of
  ``img.get_fdata()`` flattened in C order, i.e. index [i, j, k(, t)] with the last index fastest);
* ``writer_header.txt``: for a list of affines, the qform/sform header fields nibabel's
  ``set_qform``/``set_sform`` store in a NIfTI-1 header (float32), which the Java writer must match;
* ``mricron_templates.txt``, when Debian's ``mricron-data`` is installed: for a few of its real
  MRI templates (``/usr/share/mricron/templates/``) the shape, affine, axis codes, sum, min, max and
  a few voxel values nibabel reads; the Java test skips a template that is not installed.

Text format of both files: a line ``[name]`` opens a record; each following line is
``key value value ...`` separated by single spaces; numbers are Python ``repr`` floats or ``nan``.
The generated files are committed: the Java tests never run Python.
"""
import gzip
import io
import shutil
import struct
import tempfile
from pathlib import Path

import numpy as np
import nibabel as nib
from nibabel.orientations import aff2axcodes

OUT = Path(__file__).resolve().parents[1] / 'resources' / 'nifti'
SHAPE = (7, 6, 5)
RNG = np.random.RandomState(20240611)


def rot(axis, degrees):
    """3x3 rotation about a coordinate axis (0 = x, 1 = y, 2 = z)."""
    c, s = np.cos(np.radians(degrees)), np.sin(np.radians(degrees))
    i, j = [a for a in range(3) if a != axis]
    m = np.eye(3)
    m[i, i], m[i, j], m[j, i], m[j, j] = c, -s, s, c
    return m


def affine(linear, translation):
    a = np.eye(4)
    a[:3, :3] = linear
    a[:3, 3] = translation
    return a


OBLIQUE = affine(rot(2, 20) @ rot(1, -15) @ rot(0, 10) @ np.diag([0.9, 1.1, 2.5]), [-31.5, 12.25, 40.0])
OBLIQUE_SHEARED = affine(OBLIQUE[:3, :3] @ np.array([[1, 0.15, 0], [0, 1, -0.1], [0, 0, 1]]), [5, -7, 9])
OBLIQUE_FLIPPED = affine(OBLIQUE[:3, :3] @ np.diag([-1, 1, 1]), [20.0, -3.5, 1.0])


def fmt(x):
    x = float(x)
    return 'nan' if np.isnan(x) else repr(x)


def line(key, values):
    return key + ' ' + ' '.join(fmt(v) if not isinstance(v, str) else v for v in values)


def patch_scaling(path, slope, inter):
    """Sets scl_slope/scl_inter (bytes 112..119) of a little-endian NIfTI-1 file in place."""
    with open(path, 'r+b') as f:
        f.seek(112)
        f.write(struct.pack('<ff', slope, inter))


def write_byteswapped(img, path):
    """Writes img as a big-endian single-file NIfTI: nibabel's header bytes, then the data."""
    hdr = img.header.as_byteswapped('>')
    data = np.asanyarray(img.dataobj)
    with open(path, 'wb') as f:
        hdr.write_to(f)
        f.write(b'\0' * (int(hdr['vox_offset']) - f.tell()))
        f.write(data.astype(data.dtype.newbyteorder('>')).tobytes(order='F'))


def gzip_file(src, dst):
    """Compresses src to dst with no name and mtime 0 in the gzip header, so reruns give the same bytes."""
    with open(src, 'rb') as i, open(dst, 'wb') as raw, gzip.GzipFile('', 'wb', 9, raw, mtime=0) as o:
        shutil.copyfileobj(i, o)


def make_volumes(tmp):
    """Writes each fixture; returns their names in order."""
    names = []

    def save(img, name):
        img.to_filename(OUT / name)
        names.append(name)

    # uint8, sform only (nibabel's default: sform code 2 'aligned', qform code 0).
    u8 = RNG.randint(0, 256, size=SHAPE).astype(np.uint8)
    save(nib.Nifti1Image(u8, affine(np.diag([1.0, 1.0, 2.0]), [-3.0, -2.5, -4.0])), 'u8_sform.nii')
    # the same file gzip-compressed
    gzip_file(OUT / 'u8_sform.nii', OUT / 'u8_sform.nii.gz')
    names.append('u8_sform.nii.gz')

    # int16 with scl_slope 0.5 and scl_inter -10 set in the header; both xforms (code 1), x flipped.
    i16 = RNG.randint(-3000, 3000, size=SHAPE).astype(np.int16)
    img = nib.Nifti1Image(i16, affine(np.diag([-1.5, 1.5, 3.0]), [10.5, -8.0, -6.0]))
    img.set_qform(img.affine, code=1)
    img.set_sform(img.affine, code=1)
    save(img, 'i16_scaled.nii')
    patch_scaling(OUT / 'i16_scaled.nii', 0.5, -10.0)

    # int32, qform only (code 1), oblique with a negative determinant (qfac = -1).
    i32 = RNG.randint(-2**31, 2**31 - 1, size=SHAPE, dtype=np.int64).astype(np.int32)
    img = nib.Nifti1Image(i32, None)
    img.set_qform(OBLIQUE_FLIPPED, code=1)
    img.set_sform(None, code=0)
    save(img, 'i32_qform.nii')

    # float32, sheared oblique sform (code 2) and a different qform (code 1): sform wins.
    f32 = (RNG.standard_normal(SHAPE) * 100).astype(np.float32)
    img = nib.Nifti1Image(f32, None)
    img.set_qform(affine(np.diag([2.0, 2.0, 2.0]), [0, 0, 0]), code=1)
    img.set_sform(OBLIQUE_SHEARED, code=2)
    save(img, 'f32_sform_oblique.nii')

    # float64, big-endian, sform oblique
    f64 = RNG.standard_normal(SHAPE) * 1e3 + 1 / 3
    img = nib.Nifti1Image(f64, OBLIQUE)
    img.set_data_dtype(np.float64)
    write_byteswapped(img, OUT / 'f64_be.nii')
    names.append('f64_be.nii')

    # int8 and uint16
    save(nib.Nifti1Image(RNG.randint(-128, 128, size=SHAPE).astype(np.int8), np.diag([1.0, 2.0, 3.0, 1.0])), 'i8.nii')
    save(nib.Nifti1Image(RNG.randint(0, 65536, size=SHAPE).astype(np.uint16), np.diag([0.5, 0.5, 0.5, 1.0])), 'u16.nii')

    # no xform at all: nibabel falls back to a centred, x-flipped pixdim diagonal
    img = nib.Nifti1Image(RNG.uniform(0, 1, SHAPE).astype(np.float32), None)
    img.header.set_zooms((2.0, 3.0, 4.0))
    img.set_qform(None, code=0)
    img.set_sform(None, code=0)
    save(img, 'noxform.nii')

    # 2-D image (dim[0] = 2)
    save(nib.Nifti1Image(RNG.uniform(-1, 1, SHAPE[:2]).astype(np.float32), affine(np.diag([0.7, 0.7, 1.0]), [1, 2, 3])),
         'f32_2d.nii')

    # NIfTI-2, little-endian, float32, oblique sform
    save(nib.Nifti2Image(RNG.uniform(-50, 50, SHAPE).astype(np.float32), OBLIQUE), 'f32_nifti2.nii')

    # NIfTI-2, big-endian, gzip, int16 with nibabel's own scaling of float data
    img = nib.Nifti2Image(RNG.uniform(-5.3, 17.9, SHAPE), affine(np.diag([1.2, 1.2, 1.2]), [-4, -3, -2]))
    img.set_data_dtype(np.int16)
    plain = Path(tmp) / 'i16_nifti2_be.nii'
    img.to_filename(plain)
    reread = nib.load(plain, mmap=False)
    reread_data = np.asanyarray(reread.dataobj.get_unscaled())
    # nibabel moved its scaling into reread.dataobj; put it back into the header we write
    hdr = reread.header.copy()
    hdr.set_slope_inter(reread.dataobj.slope, reread.dataobj.inter)
    hdr = hdr.as_byteswapped('>')
    with open(plain, 'wb') as f:
        hdr.write_to(f)
        f.write(b'\0' * (int(hdr['vox_offset']) - f.tell()))
        f.write(reread_data.astype('>i2').tobytes(order='F'))
    gzip_file(plain, OUT / 'i16_nifti2_be.nii.gz')
    names.append('i16_nifti2_be.nii.gz')

    # 4-D series (7x6x5x3), float32, gzip
    img = nib.Nifti1Image(RNG.uniform(0, 1000, SHAPE + (3,)).astype(np.float32), affine(np.diag([1.0, 1.0, 1.0]), [0, 0, 0]))
    img.header.set_zooms((1.0, 1.0, 1.0, 2.5))
    img.to_filename(OUT / 'f32_4d.nii.gz')
    names.append('f32_4d.nii.gz')
    return names


def describe(name):
    path = OUT / name
    img = nib.load(path)
    hdr = img.header
    raw = path.read_bytes()
    gz = raw[:2] == b'\x1f\x8b'
    if gz:
        raw = gzip.decompress(raw)
    big = struct.unpack('<i', raw[:4])[0] not in (348, 540)
    data = img.get_fdata()
    # nibabel moves the scaling into img.dataobj on load; report the fields as stored
    stored = type(hdr).from_fileobj(io.BytesIO(raw))
    slope, inter = float(stored['scl_slope']), float(stored['scl_inter'])
    return [
        f'[{name}]',
        f'version {2 if isinstance(img, nib.Nifti2Image) else 1}',
        f'gzip {"true" if gz else "false"}',
        f'endian {"big" if big else "little"}',
        f'datatype {int(hdr["datatype"])}',
        line('shape', [str(s) for s in data.shape]),
        line('scaling', [slope, inter]),
        f'qform_code {int(hdr["qform_code"])}',
        f'sform_code {int(hdr["sform_code"])}',
        line('affine', img.affine.ravel()),
        'axcodes ' + ''.join(aff2axcodes(img.affine)),
        line('data', data.ravel(order='C')),
    ]


def writer_header_lines():
    cases = {
        'identity': np.eye(4),
        'anisotropic': affine(np.diag([0.8, 0.8, 3.0]), [-90.5, -120.25, 60.0]),
        'x_flipped': affine(np.diag([-1.2, 1.2, 1.2]), [30, -40, 50]),
        'lps': affine(np.diag([-1.0, -1.0, 1.0]), [0, 0, 0]),
        'sagittal': affine(np.array([[0, 0, -1.5], [1.0, 0, 0], [0, 1.0, 0]]), [12, -100, 80]),
        'oblique': OBLIQUE,
        'oblique_flipped': OBLIQUE_FLIPPED,
        'oblique_sheared': OBLIQUE_SHEARED,
    }
    out = []
    for name, aff in cases.items():
        hdr = nib.Nifti1Header()
        hdr.set_data_shape((4, 3, 2))
        hdr.set_qform(aff, code=1)
        hdr.set_sform(aff, code=1)
        out += [
            f'[{name}]',
            line('affine', aff.ravel()),
            line('quatern', [hdr['quatern_b'], hdr['quatern_c'], hdr['quatern_d']]),
            line('qoffset', [hdr['qoffset_x'], hdr['qoffset_y'], hdr['qoffset_z']]),
            line('pixdim', hdr['pixdim'][:4]),
            line('srow', np.concatenate([hdr['srow_x'], hdr['srow_y'], hdr['srow_z']])),
            line('qform_affine', hdr.get_qform().ravel()),
            'axcodes ' + ''.join(aff2axcodes(aff)),
        ]
    return out


TEMPLATES = Path('/usr/share/mricron/templates')
TEMPLATE_NAMES = ['ch2.nii.gz', 'AICHAmc.nii.gz', 'jhu189.nii.gz', 'inia19-NeuroMaps.nii.gz', 'inia19-t1-brain.nii.gz']


def template_lines():
    out = []
    for name in TEMPLATE_NAMES:
        img = nib.load(TEMPLATES / name)
        data = img.get_fdata()
        shape = np.array(data.shape[:3])
        samples = [tuple(int(x) for x in v) for v in (shape // 2, shape // 3, (shape * 2) // 3, shape - 1, (0, 0, 0))]
        out += [
            f'[{name}]',
            f'datatype {int(img.header["datatype"])}',
            line('shape', [str(s) for s in data.shape]),
            f'qform_code {int(img.header["qform_code"])}',
            f'sform_code {int(img.header["sform_code"])}',
            line('affine', img.affine.ravel()),
            'axcodes ' + ''.join(aff2axcodes(img.affine)),
            line('sum', [data.sum(dtype=np.float64)]),
            line('min', [data.min()]),
            line('max', [data.max()]),
            line('sample_index', [str(i) for s in samples for i in s]),
            line('sample_value', [data[s] for s in samples]),
        ]
    return out


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        names = make_volumes(tmp)
    header = [f'# generated by sr/src/test/python/make_nifti_fixtures.py with nibabel {nib.__version__}, numpy {np.__version__}']
    lines = list(header)
    for name in names:
        lines += describe(name)
    (OUT / 'expected.txt').write_text('\n'.join(lines) + '\n')
    (OUT / 'writer_header.txt').write_text('\n'.join(header + writer_header_lines()) + '\n')
    if all((TEMPLATES / n).exists() for n in TEMPLATE_NAMES):
        (OUT / 'mricron_templates.txt').write_text('\n'.join(header + template_lines()) + '\n')
        print('wrote mricron_templates.txt')
    else:
        print(f'{TEMPLATES} lacks some of {TEMPLATE_NAMES} (apt-get install mricron-data): kept mricron_templates.txt as it is')
    print(f'wrote {len(names)} volumes, expected.txt and writer_header.txt to {OUT}')


if __name__ == '__main__':
    main()
