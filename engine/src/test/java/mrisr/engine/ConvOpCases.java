package mrisr.engine;

import java.util.List;

/** Gradient-check and determinism cases for the Conv op family. */
public final class ConvOpCases implements OpCases {
    @Override
    public List<OpCase> cases() {
        return List.of();
    }
}
