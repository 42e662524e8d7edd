package dev.ferry.local.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;

/** {@code ferry completion}: a bash (and zsh) completion script for every subcommand and option. */
@Command(name = "completion", mixinStandardHelpOptions = true, header = "Print a bash/zsh completion script.",
        description = {"Prints a bash/zsh completion script for ferry. Load it with:", "  source <(./ferry completion)"})
final class CompletionCommand extends Base {

    @Override
    int run() {
        out().print(AutoComplete.bash("ferry", spec.root().commandLine()));
        out().flush();
        return Ferry.OK;
    }
}
