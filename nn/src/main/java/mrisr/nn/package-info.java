/**
 * Neural-network building blocks on the {@code mrisr.engine} tensors: the {@link mrisr.nn.Module} /
 * {@link mrisr.nn.Parameter} tree with PyTorch's {@code state_dict} naming, layers, initialisation
 * ({@link mrisr.nn.Init}) and static cost reporting ({@link mrisr.nn.Cost}).
 *
 * <p>Layers: {@link mrisr.nn.Linear}, {@link mrisr.nn.Conv2d}, {@link mrisr.nn.Conv3d},
 * {@link mrisr.nn.ConvTranspose2d}, {@link mrisr.nn.ConvTranspose3d}, {@link mrisr.nn.PixelShuffle2d},
 * {@link mrisr.nn.PixelShuffle3d} (and the unshuffles), {@link mrisr.nn.Upsample}, the activations
 * ({@link mrisr.nn.ReLU}, {@link mrisr.nn.LeakyReLU}, {@link mrisr.nn.GELU}, {@link mrisr.nn.SiLU},
 * {@link mrisr.nn.Sigmoid}, {@link mrisr.nn.Tanh}), {@link mrisr.nn.LayerNorm},
 * {@link mrisr.nn.GroupNorm}, {@link mrisr.nn.BatchNorm1d}/{@code 2d}/{@code 3d}, {@link mrisr.nn.Dropout},
 * and the containers {@link mrisr.nn.Sequential}, {@link mrisr.nn.Residual}, {@link mrisr.nn.Identity}.
 * Each mirrors its PyTorch namesake: the same hyper-parameters and defaults, the same parameter
 * and buffer names and shapes, the same default initialisation (drawn from an explicit
 * {@link mrisr.engine.Rng}), so a PyTorch checkpoint saved as safetensors loads with
 * {@link mrisr.nn.Module#loadStateDict} and gives the same outputs (see {@code NetworkParityTest}).
 *
 * <p>Differences from PyTorch, and why:
 * <ul>
 *   <li>{@code Parameter} wraps a tensor instead of being one ({@code Tensor} is final); the wrapped
 *       tensor is the same object for the parameter's life and is updated in place.</li>
 *   <li>{@code loadStateDict} checks everything before copying anything, so a refused dict leaves
 *       the module unchanged.</li>
 *   <li>Counters such as BatchNorm's {@code num_batches_tracked} are float32 tensors (exact up to
 *       2²⁴ batches); int64 values in a checkpoint are converted on reading.</li>
 *   <li>Convolution padding modes are zeros, reflect and replicate; circular is not offered.</li>
 * </ul>
 *
 * <pre>{@code
 * Rng rng = new Rng(42);
 * Module net = new Sequential(new Conv3d(1, 32, 3, 1, 1, rng), new ReLU(), new Conv3d(32, 8, 3, 1, 1, rng),
 *         new PixelShuffle3d(2));
 * System.out.println(net.parameterCount() + " parameters, " + net.macs(1, 1, 32, 32, 32) + " MACs");
 * }</pre>
 */
package mrisr.nn;
