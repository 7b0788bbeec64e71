package mrisr.engine;

import java.util.List;

/** Gradient-check and determinism cases for the Fft op family. */
public final class FftOpCases implements OpCases {
    @Override
    public List<OpCase> cases() {
        return List.of();
    }
}
