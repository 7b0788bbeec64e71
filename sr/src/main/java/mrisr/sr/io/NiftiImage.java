package mrisr.sr.io;

import mrisr.sr.volume.Volume;

/**
 * A NIfTI file as read: its validated header and its volume.
 *
 * <p>The volume's data are {@code [i, j, k]} when {@code dim[0] ≤ 3} (missing axes have size 1) and
 * {@code [i, j, k, t]} when {@code dim[0] = 4}, scaled by {@code scl_slope/scl_inter}, in float32;
 * its affine is {@link NiftiHeader#affine()}.
 *
 * <pre>{@code
 * NiftiImage img = Nifti.load(Path.of("bold.nii.gz"));
 * int frames = img.volume().shape().length == 4 ? img.volume().shape()[3] : 1;
 * }</pre>
 *
 * @param header the parsed header
 * @param volume the voxel values and affine
 */
public record NiftiImage(NiftiHeader header, Volume volume) {}
