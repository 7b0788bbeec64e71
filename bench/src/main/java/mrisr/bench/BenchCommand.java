package mrisr.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code mrisr bench}: runs a benchmark suite; without a suite name it lists them. */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        description = {"Benchmark suites. Run 'mrisr bench SUITE --help' for a suite's options."},
        subcommands = {KernelsCommand.class, MethodsCommand.class},
        footer = {"", "Suites: kernels (engine kernels against this machine's FMA peak and PyTorch),",
            "        methods (the SR leaderboard: every method on a phantom and ch2 under two acquisitions)."})
public final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
