package mrisr.nn.io;

import java.io.IOException;

/**
 * A safetensors file (or a request to write one) was refused. {@link #kind()} says which rule was
 * broken; the message names the file, the tensor and the offending value.
 */
public final class SafeTensorsException extends IOException {
    /** The rule a file broke. */
    public enum Kind {
        /** Shorter than the 8-byte length prefix, or the data region is shorter than declared. */
        TRUNCATED,
        /** The header length claims more than {@link SafeTensors#MAX_HEADER_BYTES}. */
        HEADER_TOO_LARGE,
        /** The header length claims more bytes than the file holds. */
        HEADER_BEYOND_FILE,
        /** The header is not valid UTF-8 JSON. */
        INVALID_JSON,
        /** The JSON is valid but not a safetensors header (wrong types, missing or extra fields). */
        INVALID_HEADER,
        /** A key appears twice in one JSON object. */
        DUPLICATE_KEY,
        /** A dtype name that safetensors does not define. */
        UNKNOWN_DTYPE,
        /** A dtype safetensors defines that this reader or writer does not convert. */
        UNSUPPORTED_DTYPE,
        /** A tensor's element count times its dtype size differs from its byte range, or overflows. */
        SHAPE_MISMATCH,
        /** A byte range ends before it begins, or past the end of the data region. */
        OFFSET_OUT_OF_BOUNDS,
        /** Two tensors' byte ranges overlap. */
        OVERLAPPING_DATA,
        /** Bytes of the data region belong to no tensor (a gap between tensors, or trailing bytes). */
        HOLE_IN_DATA,
        /** A tensor name or metadata entry that cannot be written. */
        INVALID_NAME
    }

    private final Kind kind;

    public SafeTensorsException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
