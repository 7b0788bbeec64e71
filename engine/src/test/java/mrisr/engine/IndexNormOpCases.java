package mrisr.engine;

import java.util.List;

/** Gradient-check and determinism cases for the IndexNorm op family. */
public final class IndexNormOpCases implements OpCases {
    @Override
    public List<OpCase> cases() {
        return List.of();
    }
}
