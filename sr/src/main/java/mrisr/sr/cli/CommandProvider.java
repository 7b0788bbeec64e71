package mrisr.sr.cli;

/**
 * Lets modules above {@code sr} (such as {@code bench}) add subcommands to {@code mrisr} without
 * {@code sr} depending on them: implementations are found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/mrisr.sr.cli.CommandProvider}).
 */
public interface CommandProvider {
    /** The subcommand's name, e.g. {@code bench}. */
    String name();

    /** A new instance of the picocli command object. */
    Object command();
}
