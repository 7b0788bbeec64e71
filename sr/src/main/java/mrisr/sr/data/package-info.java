/**
 * Synthetic data: procedural phantoms on any grid, deterministic from a seed.
 *
 * <p>{@link mrisr.sr.data.Phantoms#brain} gives a T1-like brain (folded cortex, deep nuclei,
 * ventricles, lesions, bias field) with its {@link mrisr.sr.data.Tissue} label map;
 * {@link mrisr.sr.data.Phantoms#sheppLogan} the 3-D Shepp–Logan head phantom.
 *
 * <p>Training data: {@link mrisr.sr.data.TrainingSet} (phantoms or a directory of NIfTI volumes, one
 * held out), {@link mrisr.sr.data.PatchSampler} (seeded 3-D or 2-D patches, flips and axis
 * permutations, degraded on the fly through the forward model of a
 * {@link mrisr.sr.data.TrainingDegradation} — as windows of the whole degraded volume for networks
 * applied tile by tile, or each patch alone for the physics-based networks that apply the forward
 * model themselves), {@link mrisr.sr.data.CleanPatchSampler} (clean patches in the plug-and-play
 * normalisation, for the denoiser).
 *
 * <pre>{@code
 * Phantoms.Brain b = Phantoms.brain(new int[] {160, 192, 160}, new double[] {1, 1, 1}, 1);
 * }</pre>
 */
package mrisr.sr.data;
