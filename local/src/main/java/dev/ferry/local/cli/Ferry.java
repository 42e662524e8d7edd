package dev.ferry.local.cli;

import dev.ferry.shared.spec.SpecException;
import picocli.CommandLine;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * Entry point of {@code ./ferry}: builds the command line with Ferry's exit codes (0 ok, 1 problems found, 2 usage) and
 * one-line errors: a usage error says what was wrong and where the help is; a failure says why, never with a stack trace.
 */
public final class Ferry {

    /** Exit code: the command ran and found nothing wrong. */
    public static final int OK = 0;
    /** Exit code: the command ran and found problems (invalid specs, failing examples, a failing source). */
    public static final int PROBLEMS = 1;
    /** Exit code: the command line itself was wrong. */
    public static final int USAGE = 2;

    private Ferry() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, Style.detectTerminal()));
    }

    /** Runs one command line; answers its exit code. {@code terminal}: colours and progress bars on. */
    public static int run(String[] args, PrintStream out, PrintStream err, boolean terminal) {
        PrintWriter o = new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        PrintWriter e = new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        try {
            return commandLine(o, e, terminal).execute(args);
        } finally {
            o.flush();
            e.flush();
        }
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err, boolean terminal) {
        CommandLine cl = new CommandLine(new FerryCommand(new Style(terminal)));
        cl.setOut(out);
        cl.setErr(err);
        cl.setColorScheme(CommandLine.Help.defaultColorScheme(terminal ? CommandLine.Help.Ansi.ON : CommandLine.Help.Ansi.OFF));
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            String command = "ferry " + line.getCommandName();
            if (ex instanceof CliException cli) {
                line.getErr().println(command + ": " + cli.getMessage());
                return cli.exitCode();
            }
            if (ex instanceof SpecException spec) {
                spec.problems().forEach(problem -> line.getErr().println(problem));
                return PROBLEMS;
            }
            String message = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage().lines().findFirst().orElse("");
            line.getErr().println(command + ": " + (ex instanceof IllegalArgumentException || ex instanceof IllegalStateException
                    || ex instanceof dev.ferry.shared.config.ConfigurationException ? "" : ex.getClass().getSimpleName() + ": ") + message);
            return PROBLEMS;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine line = ex.getCommandLine();
            String name = line.getCommandSpec().qualifiedName();
            line.getErr().println(name + ": " + ex.getMessage() + " (see " + name + " --help)");
            return USAGE;
        });
        return cl;
    }
}
