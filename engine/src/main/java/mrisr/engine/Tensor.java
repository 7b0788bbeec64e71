package mrisr.engine;

import java.util.Arrays;
import java.util.Locale;
import mrisr.engine.cpu.CpuBackend;

/**
 * An N-dimensional float32 array: a view ({@code shape}, {@code strides}, {@code offset}) onto a
 * {@link Storage} on one device, plus what autograd needs ({@code requiresGrad}, {@code grad}, the
 * op that produced it).
 *
 * <p>View ops ({@link #reshape}, {@link #permute}, {@link #narrow}, {@link #expand},
 * {@link #squeeze}, {@link #unsqueeze}) share storage and never copy, except {@code reshape} of a
 * non-contiguous view, which copies like PyTorch's. Arithmetic returns new tensors; the only
 * mutating methods say so ({@code copyFrom_}, {@code zeroGrad}).
 *
 * <pre>{@code
 * Tensor w = Tensor.randn(new Rng(1), 3, 4).requiresGrad(true);
 * Tensor loss = w.mul(w).sum();
 * loss.backward();            // w.grad() == 2·w
 * }</pre>
 */
public final class Tensor {
    private final Storage storage;
    private final int[] shape;
    private final int[] strides;
    private final int offset;

    boolean requiresGrad;
    Tensor grad;
    Node node;

    private Tensor(Storage storage, int[] shape, int[] strides, int offset) {
        this.storage = storage;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
    }

    /** A contiguous tensor over a backend's storage (for backends). */
    public static Tensor wrap(Storage storage, int[] shape) {
        int n = Shape.numel(shape);
        if (n > storage.size()) {
            throw new ShapeException("wrap", "shape " + Shape.format(shape) + " needs " + n + " values, storage has " + storage.size());
        }
        return new Tensor(storage, shape.clone(), Shape.contiguousStrides(shape), 0);
    }

    /** A view onto {@code storage} (for backends and view ops); bounds are the caller's responsibility. */
    static Tensor view(Storage storage, int[] shape, int[] strides, int offset) {
        return new Tensor(storage, shape, strides, offset);
    }

    // ------------------------------------------------------------------ creation

    /** The default backend for new tensors. */
    public static Backend defaultBackend() {
        return CpuBackend.INSTANCE;
    }

    public static Tensor zeros(int... shape) {
        return defaultBackend().full(shape.clone(), 0f);
    }

    public static Tensor ones(int... shape) {
        return defaultBackend().full(shape.clone(), 1f);
    }

    public static Tensor full(float value, int... shape) {
        return defaultBackend().full(shape.clone(), value);
    }

    /** A 0-d tensor holding {@code value}. */
    public static Tensor scalar(float value) {
        return full(value);
    }

    /** A tensor of the same shape and device as {@code like}, filled with {@code value}. */
    public static Tensor fullLike(Tensor like, float value) {
        return like.backend().full(like.shape(), value);
    }

    /** A copy of {@code data} viewed with {@code shape}. */
    public static Tensor fromArray(float[] data, int... shape) {
        if (data.length != Shape.numelLong(shape)) {
            throw new ShapeException("fromArray", data.length + " values cannot fill shape " + Shape.format(shape));
        }
        return wrap(defaultBackend().upload(data, "fromArray " + Shape.format(shape)), shape);
    }

    /** {@code [0, 1, …, n-1]}. */
    public static Tensor arange(int n) {
        return arange(0, n, 1);
    }

    /** {@code start, start+step, …} below {@code end} (above it for a negative step). */
    public static Tensor arange(double start, double end, double step) {
        if (step == 0 || !Double.isFinite(start) || !Double.isFinite(end) || !Double.isFinite(step)) {
            throw new ShapeException("arange", "invalid range start=" + start + " end=" + end + " step=" + step);
        }
        long n = (long) Math.max(0, Math.ceil((end - start) / step));
        Memory.check(n, "arange");
        float[] d = new float[(int) n];
        for (int i = 0; i < n; i++) d[i] = (float) (start + i * step);
        return fromArray(d, (int) n);
    }

    /** {@code steps} evenly spaced values from {@code start} to {@code end} inclusive. */
    public static Tensor linspace(double start, double end, int steps) {
        if (steps < 0) throw new ShapeException("linspace", "steps must be >= 0, got " + steps);
        float[] d = new float[steps];
        double step = steps > 1 ? (end - start) / (steps - 1) : 0;
        // like PyTorch: fill from both ends so the endpoints are exact
        for (int i = 0; i < steps; i++) {
            d[i] = (float) (i < steps / 2 ? start + i * step : end - (steps - 1 - i) * step);
        }
        return fromArray(d, steps);
    }

    /** Uniform in [0, 1), drawn in row-major order from {@code rng}. */
    public static Tensor rand(Rng rng, int... shape) {
        float[] d = new float[checkedNumel("rand", shape)];
        for (int i = 0; i < d.length; i++) d[i] = rng.nextFloat();
        return wrap(defaultBackend().upload(d, "rand"), shape);
    }

    /** Standard normal, drawn in row-major order from {@code rng}. */
    public static Tensor randn(Rng rng, int... shape) {
        float[] d = new float[checkedNumel("randn", shape)];
        for (int i = 0; i < d.length; i++) d[i] = (float) rng.nextGaussian();
        return wrap(defaultBackend().upload(d, "randn"), shape);
    }

    private static int checkedNumel(String op, int[] shape) {
        long n = Shape.numelLong(shape);
        Memory.check(n, op + " " + Shape.format(shape));
        return (int) n;
    }

    // ------------------------------------------------------------------ metadata

    public int[] shape() {
        return shape.clone();
    }

    public int size(int dim) {
        return shape[Shape.dim("size", dim, shape.length)];
    }

    public int dim() {
        return shape.length;
    }

    public int numel() {
        return Shape.numel(shape);
    }

    public int[] strides() {
        return strides.clone();
    }

    public int offset() {
        return offset;
    }

    public Storage storage() {
        return storage;
    }

    public Backend backend() {
        return storage.backend();
    }

    public Device device() {
        return storage.backend().device();
    }

    public DType dtype() {
        return DType.FLOAT32;
    }

    /** Whether the view is row-major contiguous (offset may be non-zero). */
    public boolean isContiguous() {
        int s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && strides[d] != s) return false;
            s *= shape[d];
        }
        return true;
    }

    // ------------------------------------------------------------------ values

    /** The values in row-major order (a fresh array). */
    public float[] toArray() {
        return backend().download(this);
    }

    /** The single value of a one-element tensor. */
    public float item() {
        if (numel() != 1) throw new ShapeException("item", "tensor of shape " + Shape.format(shape) + " has " + numel() + " elements, not 1");
        return toArray()[0];
    }

    /** The value at {@code index} (one entry per dimension). */
    public float get(int... index) {
        if (index.length != shape.length) {
            throw new ShapeException("get", index.length + " indices for a " + shape.length + "-d tensor");
        }
        int o = offset;
        for (int d = 0; d < index.length; d++) {
            if (index[d] < 0 || index[d] >= shape[d]) {
                throw new ShapeException("get", "index " + Arrays.toString(index) + " out of bounds for " + Shape.format(shape));
            }
            o += index[d] * strides[d];
        }
        return narrowToElement(o);
    }

    private float narrowToElement(int storageIndex) {
        return new Tensor(storage, new int[0], new int[0], storageIndex).toArray()[0];
    }

    /** Copies {@code src}'s values into this tensor's view (modified), outside autograd. */
    public Tensor copyFrom_(Tensor src) {
        if (!Arrays.equals(shape, src.shape)) {
            throw new ShapeException("copyFrom_", "source " + Shape.format(src.shape) + " into " + Shape.format(shape));
        }
        checkSameDevice("copyFrom_", src);
        backend().copyInto(this, src, false);
        return this;
    }

    void checkSameDevice(String op, Tensor other) {
        if (other.device() != device()) {
            throw new ShapeException(op, "tensors on different devices: " + device() + " and " + other.device());
        }
    }

    // ------------------------------------------------------------------ autograd

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf as needing a gradient; returns {@code this} (modified). */
    public Tensor requiresGrad(boolean value) {
        if (node != null && !value) {
            throw new IllegalStateException("requiresGrad(false) on a non-leaf tensor; use detach()");
        }
        requiresGrad = value;
        return this;
    }

    /** The accumulated gradient, or null. */
    public Tensor grad() {
        return grad;
    }

    /** Clears the accumulated gradient (modified). */
    public void zeroGrad() {
        grad = null;
    }

    /** Replaces the accumulated gradient (for optimisers and gradient clipping). */
    public void setGrad(Tensor g) {
        if (g != null && !Arrays.equals(g.shape, shape)) {
            throw new ShapeException("setGrad", "gradient " + Shape.format(g.shape) + " for tensor " + Shape.format(shape));
        }
        grad = g;
    }

    /** Whether this tensor was produced by a recorded op (false for leaves). */
    public boolean hasGradFn() {
        return node != null;
    }

    /** Name of the op that produced this tensor, or null for a leaf. */
    public String gradFnName() {
        return node == null ? null : node.op;
    }

    /** Back-propagates from this scalar; the graph is freed afterwards. */
    public void backward() {
        backward(false);
    }

    /** Back-propagates from this scalar, keeping the graph when {@code retainGraph}. */
    public void backward(boolean retainGraph) {
        if (numel() != 1) {
            throw new ShapeException("backward", "needs a scalar, got shape " + Shape.format(shape) + "; pass a gradient with backward(grad, retain)");
        }
        Autograd.backward(this, fullLike(this, 1f), retainGraph);
    }

    /** Back-propagates with an explicit output gradient of this tensor's shape. */
    public void backward(Tensor gradOutput, boolean retainGraph) {
        if (!Arrays.equals(gradOutput.shape, shape)) {
            throw new ShapeException("backward", "gradient " + Shape.format(gradOutput.shape) + " for output " + Shape.format(shape));
        }
        Autograd.backward(this, gradOutput, retainGraph);
    }

    /** The same values, cut from the graph (shares storage). */
    public Tensor detach() {
        return new Tensor(storage, shape, strides, offset);
    }

    /** A contiguous copy that owns its storage (not recorded). */
    Tensor contiguousCopy() {
        return backend().contiguous(this);
    }

    // ------------------------------------------------------------------ views (each differentiable)

    /** Contiguous values: {@code this} when already contiguous, else a copy. */
    public Tensor contiguous() {
        if (isContiguous()) return this;
        Tensor out = backend().contiguous(this);
        return Autograd.record("contiguous", out, g -> new Tensor[] {g}, this);
    }

    /** Same data, new shape (one entry may be -1); copies only when the view is not contiguous. */
    public Tensor reshape(int... newShape) {
        int[] s = inferShape("reshape", newShape);
        if (Arrays.equals(s, shape)) return this;
        Tensor src = contiguous();
        Tensor out = new Tensor(src.storage, s, Shape.contiguousStrides(s), src.offset);
        int[] old = shape.clone();
        return Autograd.record("reshape", out, g -> new Tensor[] {g.reshape(old)}, src);
    }

    /** Like {@link #reshape} but never copies: fails on a non-contiguous view. */
    public Tensor view(int... newShape) {
        if (!isContiguous()) {
            throw new ShapeException("view", "tensor of shape " + Shape.format(shape) + " with strides "
                    + Shape.format(strides) + " is not contiguous; use reshape()");
        }
        return reshape(newShape);
    }

    /** Collapses dimensions {@code start..end} into one. */
    public Tensor flatten(int start, int end) {
        int s = Shape.dim("flatten", start, Math.max(dim(), 1)), e = Shape.dim("flatten", end, Math.max(dim(), 1));
        if (dim() == 0) return reshape(1);
        int[] ns = new int[dim() - (e - s)];
        int k = 0;
        for (int d = 0; d < s; d++) ns[k++] = shape[d];
        int m = 1;
        for (int d = s; d <= e; d++) m *= shape[d];
        ns[k++] = m;
        for (int d = e + 1; d < dim(); d++) ns[k++] = shape[d];
        return reshape(ns);
    }

    private int[] inferShape(String op, int[] newShape) {
        int[] s = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new ShapeException(op, "only one dimension can be -1 in " + Shape.format(newShape));
                infer = i;
            } else if (s[i] < 0) {
                throw new ShapeException(op, "invalid shape " + Shape.format(newShape));
            } else {
                known *= s[i];
            }
        }
        int n = numel();
        if (infer >= 0) {
            if (known == 0 || n % known != 0) {
                throw new ShapeException(op, "cannot view " + Shape.format(shape) + " as " + Shape.format(newShape));
            }
            s[infer] = (int) (n / known);
        } else if (known != n) {
            throw new ShapeException(op, "cannot view " + Shape.format(shape) + " (" + n + " elements) as " + Shape.format(newShape));
        }
        return s;
    }

    /** Reorders dimensions: result dimension {@code i} is input dimension {@code order[i]}. */
    public Tensor permute(int... order) {
        if (order.length != dim()) {
            throw new ShapeException("permute", "order " + Arrays.toString(order) + " for a " + dim() + "-d tensor " + Shape.format(shape));
        }
        int[] ns = new int[dim()], nst = new int[dim()], inverse = new int[dim()];
        boolean[] seen = new boolean[dim()];
        for (int i = 0; i < order.length; i++) {
            int d = Shape.dim("permute", order[i], dim());
            if (seen[d]) throw new ShapeException("permute", "dimension " + d + " repeated in " + Arrays.toString(order));
            seen[d] = true;
            ns[i] = shape[d];
            nst[i] = strides[d];
            inverse[d] = i;
        }
        Tensor out = new Tensor(storage, ns, nst, offset);
        return Autograd.record("permute", out, g -> new Tensor[] {g.permute(inverse)}, this);
    }

    /** Swaps two dimensions. */
    public Tensor transpose(int d0, int d1) {
        int a = Shape.dim("transpose", d0, dim()), b = Shape.dim("transpose", d1, dim());
        int[] order = new int[dim()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        order[a] = b;
        order[b] = a;
        return permute(order);
    }

    /** Elements {@code start … start+length-1} along {@code dim}. */
    public Tensor narrow(int dim, int start, int length) {
        int d = Shape.dim("narrow", dim, dim());
        if (start < 0 || length < 0 || start + length > shape[d]) {
            throw new ShapeException("narrow", "range [" + start + ", " + (start + length) + ") out of bounds for dimension "
                    + d + " of " + Shape.format(shape));
        }
        int[] ns = shape.clone();
        ns[d] = length;
        Tensor out = new Tensor(storage, ns, strides.clone(), offset + start * strides[d]);
        int[] inShape = shape.clone();
        return Autograd.record("narrow", out, g -> {
            Tensor z = Tensor.zeros(inShape);
            z.narrow(d, start, length).copyFrom_(g);
            return new Tensor[] {z};
        }, this);
    }

    /** Broadcasts to {@code newShape} without copying (-1 keeps a dimension; new leading dims allowed). */
    public Tensor expand(int... newShape) {
        if (newShape.length < dim()) {
            throw new ShapeException("expand", "cannot expand " + Shape.format(shape) + " to fewer dimensions " + Shape.format(newShape));
        }
        int lead = newShape.length - dim();
        int[] ns = new int[newShape.length], nst = new int[newShape.length];
        for (int i = 0; i < newShape.length; i++) {
            int target = newShape[i];
            if (i < lead) {
                if (target < 0) throw new ShapeException("expand", "-1 not allowed for a new dimension in " + Shape.format(newShape));
                ns[i] = target;
                nst[i] = 0;
            } else {
                int src = shape[i - lead];
                if (target == -1 || target == src) {
                    ns[i] = src;
                    nst[i] = strides[i - lead];
                } else if (src == 1) {
                    ns[i] = target;
                    nst[i] = 0;
                } else {
                    throw new ShapeException("expand", "cannot expand " + Shape.format(shape) + " to " + Shape.format(newShape));
                }
            }
        }
        if (Arrays.equals(ns, shape)) return this;
        Tensor out = new Tensor(storage, ns, nst, offset);
        int[] inShape = shape.clone();
        return Autograd.record("expand", out, g -> new Tensor[] {Ops.sumTo(g, inShape)}, this);
    }

    /** Removes every dimension of size 1. */
    public Tensor squeeze() {
        int[] ns = Arrays.stream(shape).filter(s -> s != 1).toArray();
        return reshape(ns);
    }

    /** Removes dimension {@code dim} if it has size 1. */
    public Tensor squeeze(int dim) {
        int d = Shape.dim("squeeze", dim, dim());
        if (shape[d] != 1) return this;
        int[] ns = new int[dim() - 1];
        for (int i = 0, k = 0; i < dim(); i++) if (i != d) ns[k++] = shape[i];
        return reshape(ns);
    }

    /** Inserts a dimension of size 1 at {@code dim} (in {@code [-(n+1), n]}). */
    public Tensor unsqueeze(int dim) {
        int d = Shape.dim("unsqueeze", dim, dim() + 1);
        int[] ns = new int[dim() + 1];
        for (int i = 0, k = 0; i < ns.length; i++) ns[i] = i == d ? 1 : shape[k++];
        return reshape(ns);
    }

    // ------------------------------------------------------------------ arithmetic (see Ops)

    public Tensor add(Tensor o) { return Ops.add(this, o); }
    public Tensor sub(Tensor o) { return Ops.sub(this, o); }
    public Tensor mul(Tensor o) { return Ops.mul(this, o); }
    public Tensor div(Tensor o) { return Ops.div(this, o); }
    public Tensor pow(Tensor o) { return Ops.pow(this, o); }
    public Tensor add(double s) { return Ops.add(this, s); }
    public Tensor sub(double s) { return Ops.add(this, -s); }
    public Tensor mul(double s) { return Ops.mul(this, s); }
    public Tensor div(double s) { return Ops.mul(this, 1.0 / s); }
    public Tensor pow(double p) { return Ops.pow(this, p); }
    public Tensor neg() { return Ops.neg(this); }
    public Tensor abs() { return Ops.abs(this); }
    public Tensor sqrt() { return Ops.sqrt(this); }
    public Tensor exp() { return Ops.exp(this); }
    public Tensor log() { return Ops.log(this); }
    public Tensor relu() { return Ops.relu(this); }
    public Tensor sigmoid() { return Ops.sigmoid(this); }
    public Tensor tanh() { return Ops.tanh(this); }
    public Tensor clamp(double lo, double hi) { return Ops.clamp(this, lo, hi); }
    public Tensor sum() { return Ops.sum(this); }
    public Tensor sum(int[] dims, boolean keepdim) { return Ops.sum(this, dims, keepdim); }
    public Tensor mean() { return Ops.mean(this); }
    public Tensor mean(int[] dims, boolean keepdim) { return Ops.mean(this, dims, keepdim); }
    public Tensor matmul(Tensor o) { return Ops.matmul(this, o); }

    // ------------------------------------------------------------------ printing

    /** {@code Tensor[2,3] cpu [0.1000, -1.2000, …]} with at most 8 values. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("Tensor").append(Shape.format(shape)).append(' ').append(device());
        if (requiresGrad) b.append(node != null ? " grad_fn=" + node.op : " requires_grad");
        float[] v = numel() <= 8 ? toArray() : firstValues(8);
        b.append(" [");
        for (int i = 0; i < v.length; i++) {
            if (i > 0) b.append(", ");
            b.append(String.format(Locale.ROOT, "%.4g", v[i]));
        }
        if (numel() > v.length) b.append(", …");
        return b.append(']').toString();
    }

    private float[] firstValues(int k) {
        try (var g = Grad.off()) {
            return reshape(-1).narrow(0, 0, k).toArray();
        }
    }
}
