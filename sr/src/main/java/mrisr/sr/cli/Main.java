package mrisr.sr.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import mrisr.engine.Memory;
import mrisr.engine.MemoryBudgetException;
import mrisr.engine.ShapeException;
import mrisr.kernels.KernelInfo;
import mrisr.kernels.Parallel;
import mrisr.sr.InputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code mrisr} command line. Exit codes: 0 ok, 2 bad usage or bad input (one line on stderr,
 * no output file left behind), 1 internal error.
 */
@Command(name = "mrisr",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "MRI super-resolution in pure Java: turns a low-resolution NIfTI volume into a high-resolution one.",
            "",
            "Start with @|bold mrisr demo|@: it simulates a low-resolution acquisition of a phantom, runs every "
                + "method and writes volumes, a figure and a report under demo-out/."
        },
        subcommands = {CommandLine.HelpCommand.class, DemoCommand.class, PhantomCommand.class, DegradeCommand.class,
            UpsampleCommand.class, SrCommand.class, EvalCommand.class, InfoCommand.class, TrainCommand.class},
        footer = {"", "Run 'mrisr help COMMAND' for a command's options and examples.",
            "Exit codes: 0 ok, 2 bad usage or input, 1 internal error."})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Options every subcommand accepts. */
    @Option(names = "--threads", scope = ScopeType.INHERIT, paramLabel = "N",
            description = "Worker threads for the kernels (default: $MRISR_THREADS or all cores). Results do not depend on it.")
    void threads(int n) {
        if (n < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--threads must be >= 1, got " + n);
        Parallel.setThreads(n);
    }

    @Option(names = "--max-memory", scope = ScopeType.INHERIT, paramLabel = "SIZE",
            description = "Memory budget for tensors, e.g. 2g or 512m (default: 80%% of the Java heap).")
    void maxMemory(String size) {
        Memory.setBudgetBytes(parseSize(spec.commandLine(), size));
    }

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Print stack traces for errors.")
    static boolean debug;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static long parseSize(CommandLine cl, String s) {
        String t = s.trim().toLowerCase(java.util.Locale.ROOT);
        long mult = 1;
        if (t.endsWith("g") || t.endsWith("gb")) mult = 1L << 30;
        else if (t.endsWith("m") || t.endsWith("mb")) mult = 1L << 20;
        else if (t.endsWith("k") || t.endsWith("kb")) mult = 1L << 10;
        t = t.replaceAll("[a-z]+$", "");
        try {
            double v = Double.parseDouble(t);
            if (!(v > 0)) throw new NumberFormatException();
            return (long) (v * mult);
        } catch (NumberFormatException e) {
            throw new CommandLine.ParameterException(cl, "--max-memory: cannot read '" + s + "' (use e.g. 2g, 512m)");
        }
    }

    /** Builds the command line with mrisr's error handling. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        for (CommandProvider p : java.util.ServiceLoader.load(CommandProvider.class)) {
            if (!cl.getSubcommands().containsKey(p.name())) cl.addSubcommand(p.name(), p.command());
        }
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            PrintWriter err = cmd.getErr();
            if (debug) ex.printStackTrace(err);
            if (isInputError(ex)) {
                err.println("mrisr " + cmd.getCommandName() + ": " + oneLine(ex));
                return 2;
            }
            err.println("mrisr " + cmd.getCommandName() + ": internal error: " + ex + (debug ? "" : " (run with --debug for details)"));
            return 1;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("mrisr: " + ex.getMessage());
            err.println("Try 'mrisr " + (ex.getCommandLine() == cl ? "" : ex.getCommandLine().getCommandName() + " ") + "--help'.");
            return 2;
        });
        return cl;
    }

    /** Errors caused by what the user gave us (files, shapes, sizes), reported with exit code 2. */
    static boolean isInputError(Throwable ex) {
        return ex instanceof InputException || ex instanceof ShapeException || ex instanceof MemoryBudgetException
                || ex instanceof IOException || ex instanceof java.io.UncheckedIOException;
    }

    private static String oneLine(Throwable ex) {
        String m = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        return m.replace('\n', ' ');
    }

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        System.exit(code);
    }

    /** Version plus the kernel backend in use. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"mrisr " + version(), KernelInfo.describe()};
        }

        static String version() {
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                Properties p = new Properties();
                if (in != null) p.load(in);
                return p.getProperty("version", "unknown");
            } catch (IOException e) {
                return "unknown";
            }
        }
    }
}
