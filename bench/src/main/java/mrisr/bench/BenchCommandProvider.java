package mrisr.bench;

import mrisr.sr.cli.CommandProvider;

/** Plugs {@code mrisr bench} into the command line (listed in {@code META-INF/services}). */
public final class BenchCommandProvider implements CommandProvider {
    @Override
    public String name() {
        return "bench";
    }

    @Override
    public Object command() {
        return new BenchCommand();
    }
}
