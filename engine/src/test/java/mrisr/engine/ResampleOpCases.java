package mrisr.engine;

import java.util.List;

/** Gradient-check and determinism cases for the Resample op family. */
public final class ResampleOpCases implements OpCases {
    @Override
    public List<OpCase> cases() {
        return List.of();
    }
}
