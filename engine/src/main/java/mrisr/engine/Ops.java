package mrisr.engine;

import java.util.Arrays;
import mrisr.kernels.BinaryFn;
import mrisr.kernels.UnaryFn;

/**
 * The core differentiable ops: pointwise (with broadcasting), reductions and matrix products.
 * Each primitive is forward + backward in one place; the rest are compositions.
 *
 * <p>Gradient conventions follow PyTorch: {@code relu'(0) = 0}, {@code abs'(0) = 0},
 * {@code minimum}/{@code maximum}/{@code amax} split the gradient evenly between ties,
 * {@code var} uses Bessel's correction unless told otherwise.
 */
public final class Ops {
    private Ops() {}

    // ------------------------------------------------------------------ pointwise unary

    static Tensor unary(String op, UnaryFn fn, float a, float b, Tensor x) {
        Tensor y = x.backend().unary(fn, a, b, x);
        if (!Autograd.needsGrad(x)) return y;
        return Autograd.record(op, y, g -> new Tensor[] {
                x.backend().unaryBackward(fn, a, b, x.contiguous(), y, g.contiguous())}, x);
    }

    public static Tensor neg(Tensor x) { return unary("neg", UnaryFn.NEG, 0, 0, x); }
    public static Tensor abs(Tensor x) { return unary("abs", UnaryFn.ABS, 0, 0, x); }
    public static Tensor sqrt(Tensor x) { return unary("sqrt", UnaryFn.SQRT, 0, 0, x); }
    public static Tensor exp(Tensor x) { return unary("exp", UnaryFn.EXP, 0, 0, x); }
    public static Tensor log(Tensor x) { return unary("log", UnaryFn.LOG, 0, 0, x); }
    public static Tensor relu(Tensor x) { return unary("relu", UnaryFn.RELU, 0, 0, x); }
    public static Tensor gelu(Tensor x) { return unary("gelu", UnaryFn.GELU, 0, 0, x); }
    public static Tensor silu(Tensor x) { return unary("silu", UnaryFn.SILU, 0, 0, x); }
    public static Tensor sigmoid(Tensor x) { return unary("sigmoid", UnaryFn.SIGMOID, 0, 0, x); }
    public static Tensor tanh(Tensor x) { return unary("tanh", UnaryFn.TANH, 0, 0, x); }

    /** {@code x} for x &gt; 0, {@code slope·x} otherwise (PyTorch default slope 0.01). */
    public static Tensor leakyRelu(Tensor x, double slope) {
        return unary("leaky_relu", UnaryFn.LEAKY_RELU, (float) slope, 0, x);
    }

    /** {@code log(1 + exp(beta·x))/beta}, linear where {@code beta·x > threshold} (PyTorch: beta 1, threshold 20). */
    public static Tensor softplus(Tensor x, double beta, double threshold) {
        if (beta <= 0) throw new ShapeException("softplus", "beta must be > 0, got " + beta);
        return unary("softplus", UnaryFn.SOFTPLUS, (float) beta, (float) threshold, x);
    }

    public static Tensor softplus(Tensor x) {
        return softplus(x, 1, 20);
    }

    /** Clamps into {@code [lo, hi]}; use ±infinity for a one-sided clamp. */
    public static Tensor clamp(Tensor x, double lo, double hi) {
        if (lo > hi) throw new ShapeException("clamp", "min " + lo + " > max " + hi);
        return unary("clamp", UnaryFn.CLAMP, (float) lo, (float) hi, x);
    }

    public static Tensor add(Tensor x, double s) { return unary("add", UnaryFn.ADD_SCALAR, (float) s, 0, x); }
    public static Tensor mul(Tensor x, double s) { return unary("mul", UnaryFn.MUL_SCALAR, (float) s, 0, x); }

    /** {@code x^p} for a scalar exponent. */
    public static Tensor pow(Tensor x, double p) { return unary("pow", UnaryFn.POW_SCALAR, (float) p, 0, x); }

    // ------------------------------------------------------------------ pointwise binary

    static Tensor binary(String op, BinaryFn fn, Tensor a, Tensor b) {
        a.checkSameDevice(op, b);
        int[] shape = Shape.broadcast(op, a.shape(), b.shape());
        Tensor ae, be;
        try (var g = Grad.off()) {
            ae = a.expand(shape);
            be = b.expand(shape);
        }
        Tensor y = a.backend().binary(fn, ae, be);
        if (!fn.differentiable() || !Autograd.needsGrad(a, b)) return y;
        int[] as = a.shape(), bs = b.shape();
        return Autograd.record(op, y, g -> {
            boolean na = a.requiresGrad(), nb = b.requiresGrad();
            Tensor[] gs = a.backend().binaryBackward(fn, ae, be, y, g.contiguous(), na, nb);
            return new Tensor[] {na ? sumTo(gs[0], as) : null, nb ? sumTo(gs[1], bs) : null};
        }, a, b);
    }

    public static Tensor add(Tensor a, Tensor b) { return binary("add", BinaryFn.ADD, a, b); }
    public static Tensor sub(Tensor a, Tensor b) { return binary("sub", BinaryFn.SUB, a, b); }
    public static Tensor mul(Tensor a, Tensor b) { return binary("mul", BinaryFn.MUL, a, b); }
    public static Tensor div(Tensor a, Tensor b) { return binary("div", BinaryFn.DIV, a, b); }
    public static Tensor pow(Tensor a, Tensor b) { return binary("pow", BinaryFn.POW, a, b); }
    public static Tensor minimum(Tensor a, Tensor b) { return binary("minimum", BinaryFn.MINIMUM, a, b); }
    public static Tensor maximum(Tensor a, Tensor b) { return binary("maximum", BinaryFn.MAXIMUM, a, b); }

    /** 1 where {@code a == b}, else 0 (no gradient). */
    public static Tensor eq(Tensor a, Tensor b) { return binary("eq", BinaryFn.EQ, a, b); }
    public static Tensor gt(Tensor a, Tensor b) { return binary("gt", BinaryFn.GT, a, b); }
    public static Tensor ge(Tensor a, Tensor b) { return binary("ge", BinaryFn.GE, a, b); }
    public static Tensor lt(Tensor a, Tensor b) { return binary("lt", BinaryFn.LT, a, b); }
    public static Tensor le(Tensor a, Tensor b) { return binary("le", BinaryFn.LE, a, b); }

    /** {@code cond != 0 ? a : b}, broadcasting all three; no gradient flows to {@code cond}. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        a.checkSameDevice("where", b);
        a.checkSameDevice("where", cond);
        int[] shape = Shape.broadcast("where", Shape.broadcast("where", cond.shape(), a.shape()), b.shape());
        Tensor ce, ae, be;
        try (var g = Grad.off()) {
            ce = cond.expand(shape);
            ae = a.expand(shape);
            be = b.expand(shape);
        }
        Tensor y = a.backend().where(ce, ae, be);
        if (!Autograd.needsGrad(a, b)) return y;
        int[] as = a.shape(), bs = b.shape();
        return Autograd.record("where", y, g -> {
            Tensor zero = Tensor.fullLike(g, 0f);
            return new Tensor[] {null,
                    a.requiresGrad() ? sumTo(where(ce, g, zero), as) : null,
                    b.requiresGrad() ? sumTo(where(ce, zero, g), bs) : null};
        }, cond, a, b);
    }

    // ------------------------------------------------------------------ reductions

    /** Sums a broadcast gradient back down to {@code shape} (the adjoint of expand). */
    public static Tensor sumTo(Tensor g, int[] shape) {
        int[] gs = g.shape();
        if (Arrays.equals(gs, shape)) return g;
        int lead = gs.length - shape.length;
        int[] dims = new int[gs.length];
        int k = 0;
        for (int d = 0; d < gs.length; d++) {
            if (d < lead || (shape[d - lead] == 1 && gs[d] != 1)) dims[k++] = d;
        }
        Tensor s = k == 0 ? g : sum(g, Arrays.copyOf(dims, k), true);
        return s.reshape(shape);
    }

    /** Sum of all elements (0-d result). */
    public static Tensor sum(Tensor x) {
        return sum(x, new int[0], false);
    }

    /** Sum over {@code dims} (empty = all). */
    public static Tensor sum(Tensor x, int[] dims, boolean keepdim) {
        return reduce("sum", x, dims, keepdim, false);
    }

    /** Maximum over {@code dims}; ties share the gradient evenly. */
    public static Tensor amax(Tensor x, int[] dims, boolean keepdim) {
        return reduce("amax", x, dims, keepdim, true);
    }

    private static Tensor reduce(String op, Tensor x, int[] dims, boolean keepdim, boolean max) {
        int nd = x.dim();
        int[] rd = Shape.dims(op, dims, nd);
        int[] shape = x.shape();
        boolean[] isReduced = new boolean[nd];
        for (int d : rd) isReduced[d] = true;
        int[] order = new int[nd];
        int k = 0;
        int rows = 1, len = 1;
        for (int d = 0; d < nd; d++) if (!isReduced[d]) { order[k++] = d; rows *= shape[d]; }
        for (int d = 0; d < nd; d++) if (isReduced[d]) { order[k++] = d; len *= shape[d]; }
        if (max && len == 0) throw new ShapeException(op, "cannot reduce an empty dimension of " + Shape.format(shape));
        int[] keptShape = new int[nd];
        int[] outShape = new int[keepdim ? nd : nd - rd.length];
        for (int d = 0, j = 0; d < nd; d++) {
            keptShape[d] = isReduced[d] ? 1 : shape[d];
            if (keepdim || !isReduced[d]) outShape[j++] = keptShape[d];
        }
        Tensor flat;
        try (var g = Grad.off()) {
            flat = x.permute(order).contiguous();
        }
        Tensor r = max ? x.backend().maxRows(flat, rows, len) : x.backend().sumRows(flat, rows, len);
        Tensor y = Tensor.wrap(r.storage(), outShape);
        if (!Autograd.needsGrad(x)) return y;
        return Autograd.record(op, y, g -> {
            Tensor gk = g.reshape(keptShape).expand(shape);
            if (!max) return new Tensor[] {gk};
            Tensor mask = eq(x, y.reshape(keptShape));
            Tensor count = sum(mask, rd, true);
            return new Tensor[] {gk.mul(mask).div(count)};
        }, x);
    }

    /** Mean of all elements. */
    public static Tensor mean(Tensor x) {
        return mean(x, new int[0], false);
    }

    /** Mean over {@code dims} (empty = all). */
    public static Tensor mean(Tensor x, int[] dims, boolean keepdim) {
        int n = reducedCount("mean", x, dims);
        return sum(x, dims, keepdim).mul(1.0 / n);
    }

    /**
     * Variance over {@code dims} with {@code correction} (1 = unbiased, PyTorch's default; 0 = population).
     */
    public static Tensor var(Tensor x, int[] dims, int correction, boolean keepdim) {
        int n = reducedCount("var", x, dims);
        Tensor centred = x.sub(mean(x, dims, true));
        return sum(centred.mul(centred), dims, keepdim).mul(1.0 / Math.max(0, n - correction));
    }

    private static int reducedCount(String op, Tensor x, int[] dims) {
        int n = 1;
        for (int d : Shape.dims(op, dims, x.dim())) n *= x.size(d);
        return n;
    }

    // ------------------------------------------------------------------ matrix products

    /**
     * Batched matrix product {@code [B, M, K] @ [B, K, N] → [B, M, N]} (no broadcasting; see
     * {@link #matmul} for that).
     */
    public static Tensor bmm(Tensor a, Tensor b) {
        if (a.dim() != 3 || b.dim() != 3 || a.size(0) != b.size(0) || a.size(2) != b.size(1)) {
            throw new ShapeException("bmm", "cannot multiply " + Shape.format(a.shape()) + " by " + Shape.format(b.shape())
                    + " (expected [B,M,K] and [B,K,N])");
        }
        a.checkSameDevice("bmm", b);
        Tensor ac = a.contiguous(), bc = b.contiguous();
        Tensor y = a.backend().bmm(ac, false, bc, false);
        if (!Autograd.needsGrad(a, b)) return y;
        return Autograd.record("bmm", y, g -> {
            Tensor gc = g.contiguous();
            return new Tensor[] {
                    a.requiresGrad() ? a.backend().bmm(gc, false, bc, true) : null,
                    b.requiresGrad() ? a.backend().bmm(ac, true, gc, false) : null};
        }, a, b);
    }

    /**
     * PyTorch's {@code matmul}: 1-D operands are promoted (and the added dimension removed after),
     * batch dimensions broadcast.
     */
    public static Tensor matmul(Tensor a, Tensor b) {
        if (a.dim() == 0 || b.dim() == 0) {
            throw new ShapeException("matmul", "both operands need at least 1 dimension, got " + Shape.format(a.shape())
                    + " and " + Shape.format(b.shape()));
        }
        boolean va = a.dim() == 1, vb = b.dim() == 1;
        Tensor a2 = va ? a.unsqueeze(0) : a, b2 = vb ? b.unsqueeze(1) : b;
        int m = a2.size(-2), k = a2.size(-1), k2 = b2.size(-2), n = b2.size(-1);
        if (k != k2) {
            throw new ShapeException("matmul", "inner dimensions differ: " + Shape.format(a.shape()) + " @ " + Shape.format(b.shape()));
        }
        int[] ab = Arrays.copyOf(a2.shape(), a2.dim() - 2), bb = Arrays.copyOf(b2.shape(), b2.dim() - 2);
        int[] batch = Shape.broadcast("matmul", ab, bb);
        int nb = Shape.numel(batch);
        Tensor a3 = a2.expand(concat(batch, m, k)).reshape(nb, m, k);
        Tensor b3 = b2.expand(concat(batch, k, n)).reshape(nb, k, n);
        Tensor y = bmm(a3, b3).reshape(concat(batch, m, n));
        if (va) y = y.squeeze(-2);
        if (vb) y = y.squeeze(-1);
        return y;
    }

    private static int[] concat(int[] lead, int x, int y) {
        int[] s = Arrays.copyOf(lead, lead.length + 2);
        s[lead.length] = x;
        s[lead.length + 1] = y;
        return s;
    }
}
