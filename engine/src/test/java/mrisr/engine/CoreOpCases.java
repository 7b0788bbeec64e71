package mrisr.engine;

import static mrisr.engine.TestTensors.awayFromZero;
import static mrisr.engine.TestTensors.distinct;
import static mrisr.engine.TestTensors.randn;
import static mrisr.engine.TestTensors.uniform;

import java.util.List;

/** Cases for views, pointwise ops, reductions and matrix products. */
public final class CoreOpCases implements OpCases {
    @Override
    public List<OpCase> cases() {
        return List.of(
                // views
                OpCase.of("contiguous", "contiguous of a transposed view",
                        x -> x[0].transpose(0, 1).contiguous(), () -> new Tensor[] {randn(1, 3, 5)}),
                OpCase.of("reshape", "reshape of a strided view",
                        x -> x[0].permute(2, 0, 1).reshape(-1, 6), () -> new Tensor[] {randn(2, 2, 3, 4)}),
                OpCase.of("permute", "permute 3-d", x -> x[0].permute(1, 2, 0).mul(x[0].permute(1, 2, 0)),
                        () -> new Tensor[] {randn(3, 2, 3, 4)}),
                OpCase.of("narrow", "narrow then transpose",
                        x -> x[0].narrow(1, 1, 3).transpose(0, 1), () -> new Tensor[] {randn(4, 3, 5)}),
                OpCase.of("expand", "expand with new leading dim",
                        x -> x[0].expand(2, 3, 4).mul(x[1]), () -> new Tensor[] {randn(5, 3, 1), randn(6, 2, 3, 4)}),
                // pointwise
                OpCase.of("add", "add with broadcasting", x -> x[0].add(x[1]),
                        () -> new Tensor[] {randn(7, 2, 3, 4), randn(8, 3, 1)})
                        .large(() -> new Tensor[] {randn(7, 64, 37, 41), randn(8, 37, 1)}),
                OpCase.of("sub", "sub with broadcasting", x -> x[0].sub(x[1]),
                        () -> new Tensor[] {randn(9, 4, 1), randn(10, 1, 5)}),
                OpCase.of("mul", "mul with broadcasting", x -> x[0].mul(x[1]),
                        () -> new Tensor[] {randn(11, 2, 3), randn(12, 3)})
                        .large(() -> new Tensor[] {randn(11, 300, 301), randn(12, 301)}),
                OpCase.of("div", "div with broadcasting", x -> x[0].div(x[1]),
                        () -> new Tensor[] {randn(13, 3, 4), uniform(14, 0.5, 2, 4)}),
                OpCase.of("neg", "neg", x -> x[0].neg(), () -> new Tensor[] {randn(15, 5)}),
                OpCase.of("abs", "abs", x -> x[0].abs(), () -> new Tensor[] {awayFromZero(16, 0.1, 7)}),
                OpCase.of("sqrt", "sqrt", x -> x[0].sqrt(), () -> new Tensor[] {uniform(17, 0.5, 3, 6)}),
                OpCase.of("exp", "exp", x -> x[0].exp(), () -> new Tensor[] {randn(18, 6)})
                        .large(() -> new Tensor[] {randn(18, 257, 259)}),
                OpCase.of("log", "log", x -> x[0].log(), () -> new Tensor[] {uniform(19, 0.5, 3, 6)}),
                OpCase.of("pow", "pow with scalar exponent", x -> x[0].pow(2.5), () -> new Tensor[] {uniform(20, 0.5, 2, 6)}),
                OpCase.of("pow", "pow with tensor exponent", x -> x[0].pow(x[1]),
                        () -> new Tensor[] {uniform(21, 0.5, 2, 2, 3), uniform(22, -1, 2, 3)}),
                OpCase.of("clamp", "clamp", x -> x[0].clamp(-0.5, 0.7),
                        () -> new Tensor[] {Tensor.fromArray(new float[] {-1.2f, -0.3f, 0.1f, 0.65f, 0.9f, 2f}, 6)}),
                OpCase.of("where", "where with broadcast condition",
                        x -> Ops.where(Ops.gt(x[0], Tensor.scalar(0)), x[1], x[2]),
                        () -> new Tensor[] {randn(23, 3, 1), randn(24, 3, 4), randn(25, 4)})
                        .options(GradCheck.Options.defaults().only(false, true, true)),
                OpCase.of("minimum", "minimum", x -> Ops.minimum(x[0], x[1]),
                        () -> new Tensor[] {distinct(26, 3, 4), distinct(27, 4)}),
                OpCase.of("maximum", "maximum", x -> Ops.maximum(x[0], x[1]),
                        () -> new Tensor[] {distinct(28, 3, 4), distinct(29, 3, 1)}),
                OpCase.of("relu", "relu", x -> x[0].relu(), () -> new Tensor[] {awayFromZero(30, 0.05, 9)}),
                OpCase.of("leaky_relu", "leaky_relu slope 0.1", x -> Ops.leakyRelu(x[0], 0.1),
                        () -> new Tensor[] {awayFromZero(31, 0.05, 9)}),
                OpCase.of("gelu", "gelu", x -> Ops.gelu(x[0]), () -> new Tensor[] {randn(32, 9)}),
                OpCase.of("silu", "silu", x -> Ops.silu(x[0]), () -> new Tensor[] {randn(33, 9)}),
                OpCase.of("sigmoid", "sigmoid", x -> x[0].sigmoid(), () -> new Tensor[] {randn(34, 9)}),
                OpCase.of("tanh", "tanh", x -> x[0].tanh(), () -> new Tensor[] {randn(35, 9)}),
                OpCase.of("softplus", "softplus beta 2", x -> Ops.softplus(x[0], 2, 20), () -> new Tensor[] {randn(36, 9)}),
                // reductions
                OpCase.of("sum", "sum over dims 0,2 keepdim", x -> x[0].sum(new int[] {0, 2}, true),
                        () -> new Tensor[] {randn(37, 2, 3, 4)}).large(() -> new Tensor[] {randn(37, 31, 129, 67)}),
                OpCase.of("sum", "sum of all", x -> x[0].sum(), () -> new Tensor[] {randn(38, 3, 5)}),
                OpCase.of("mean", "mean over last dim", x -> x[0].mean(new int[] {-1}, false),
                        () -> new Tensor[] {randn(39, 3, 5)}),
                OpCase.of("var", "unbiased var over dim 1", x -> Ops.var(x[0], new int[] {1}, 1, false),
                        () -> new Tensor[] {randn(40, 3, 5)}),
                OpCase.of("amax", "amax over dims 1,2", x -> Ops.amax(x[0], new int[] {1, 2}, false),
                        () -> new Tensor[] {distinct(41, 2, 3, 4)}),
                // products
                OpCase.of("matmul", "matmul with batch broadcasting", x -> x[0].matmul(x[1]),
                        () -> new Tensor[] {randn(42, 2, 1, 3, 4), randn(43, 5, 4, 2)})
                        .large(() -> new Tensor[] {randn(42, 3, 1, 67, 45), randn(43, 2, 45, 33)}),
                OpCase.of("matmul", "matrix-vector", x -> x[0].matmul(x[1]),
                        () -> new Tensor[] {randn(44, 3, 4), randn(45, 4)}),
                OpCase.of("bmm", "bmm", x -> Ops.bmm(x[0], x[1]),
                        () -> new Tensor[] {randn(46, 2, 3, 4), randn(47, 2, 4, 5)})
                        .large(() -> new Tensor[] {randn(46, 4, 65, 33), randn(47, 4, 33, 71)}));
    }
}
