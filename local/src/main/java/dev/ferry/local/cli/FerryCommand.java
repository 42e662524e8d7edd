package dev.ferry.local.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ferry}: the root command; on its own it prints the list of subcommands. */
@Command(name = "ferry", mixinStandardHelpOptions = true, versionProvider = FerryCommand.Version.class,
        description = "Ferry's command for integration engineers: write, check, try and run integrations.",
        synopsisSubcommandLabel = "COMMAND",
        footer = {"", "Exit codes: 0 ok, 1 problems found, 2 usage. `ferry COMMAND --help` for each command; docs/cli.md for all."},
        subcommands = {
            NewCommand.class,
            ValidateCommand.class,
            TestCommand.class,
            ExplainCommand.class,
            PlanCommand.class,
            BackfillCommand.class,
            ReplayCli.class,
            DevCommand.class,
            SignCommand.class,
            dev.ferry.local.catalog.CatalogCommand.class,
            CompletionCommand.class,
        })
public final class FerryCommand implements Runnable {

    private final Style style;

    @Spec
    CommandSpec spec;

    FerryCommand(Style style) {
        this.style = style;
    }

    Style style() {
        return style;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
        throw CliException.usage("name a command");
    }

    /** The version of the built jar (its manifest), or "development build". */
    static final class Version implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = FerryCommand.class.getPackage().getImplementationVersion();
            return new String[] {"ferry " + (v == null ? "(development build)" : v)};
        }
    }
}
