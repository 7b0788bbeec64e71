package mrisr.engine;

/**
 * A tensor operation was called with shapes or arguments it cannot accept. The message names the
 * op and the shapes involved, e.g. {@code conv3d: input [1,2,8,8,8] has 2 channels, weight expects 3}.
 */
public class ShapeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ShapeException(String op, String message) {
        super(op + ": " + message);
    }
}
