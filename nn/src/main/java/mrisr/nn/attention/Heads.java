package mrisr.nn.attention;

import mrisr.engine.Shape;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;

/** Splitting token features into attention heads and back: {@code [B, L, h·d] ↔ [B, h, L, d]}. */
final class Heads {
    private Heads() {}

    /** {@code [B, L, h·d] → [B, h, L, d]} (a view). */
    static Tensor split(Tensor x, int heads) {
        int[] s = x.shape();
        return x.reshape(s[0], s[1], heads, s[2] / heads).transpose(1, 2);
    }

    /** {@code [B, h, L, d] → [B, L, h·d]}. */
    static Tensor merge(Tensor x) {
        int[] s = x.shape();
        return x.transpose(1, 2).reshape(s[0], s[2], s[1] * s[3]);
    }

    /** A fused projection {@code [B, L, 3·h·d]} split into queries, keys and values, each {@code [B, h, L, d]}. */
    static Tensor[] splitQkv(Tensor qkv, int heads) {
        int[] s = qkv.shape();
        int d = s[2] / (3 * heads);
        Tensor t = qkv.reshape(s[0], s[1], 3, heads, d).permute(2, 0, 3, 1, 4);
        return new Tensor[] {t.narrow(0, 0, 1).squeeze(0), t.narrow(0, 1, 1).squeeze(0), t.narrow(0, 2, 1).squeeze(0)};
    }

    /** Checks that {@code heads} divides {@code dim}; returns the head dimension. */
    static int headDim(String layer, int dim, int heads) {
        if (dim < 1 || heads < 1 || dim % heads != 0) {
            throw new IllegalArgumentException(layer + ": " + heads + " heads must be >= 1 and divide the dimension " + dim);
        }
        return dim / heads;
    }

    /** Checks that {@code x} is {@code [B, L, dim]}. */
    static void checkTokens(String layer, String what, int[] s, int dim) {
        if (s.length != 3 || s[2] != dim) {
            throw new ShapeException(layer, what + " " + Shape.format(s) + " must be [B, L, " + dim + "]");
        }
    }
}
