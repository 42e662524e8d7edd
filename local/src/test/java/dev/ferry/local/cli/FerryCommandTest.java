package dev.ferry.local.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line itself: help per subcommand, exit codes, one-line usage errors, completion, colours only on a terminal. */
class FerryCommandTest {

    static final String REPO = "..";

    @Test
    void helpListsEverySubcommandAndTheExitCodes() {
        Cli help = Cli.run("--help");

        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("validate", "test", "explain", "replay", "dev", "completion")
                .contains("Exit codes: 0 ok, 1 problems found, 2 usage");
    }

    @Test
    void everySubcommandHasItsOwnHelp() {
        for (String sub : new String[] {"validate", "test", "explain", "replay", "dev", "completion"}) {
            Cli help = Cli.run(sub, "--help");
            assertThat(help.exit()).as(sub).isZero();
            assertThat(help.out()).as(sub).contains("Usage: ferry " + sub);
        }
        assertThat(Cli.run("replay", "--help").out()).contains("--integration", "--kind", "--from", "--to", "--dry-run", "--json");
        assertThat(Cli.run("dev", "--help").out()).contains("--port");
    }

    @Test
    void usageErrorsAreOneLineAndExitTwo() {
        Cli none = Cli.run();
        assertThat(none.exit()).isEqualTo(Ferry.USAGE);
        assertThat(none.out()).contains("Usage: ferry");

        Cli unknown = Cli.run("bogus");
        assertThat(unknown.exit()).isEqualTo(Ferry.USAGE);
        assertThat(unknown.err().strip().lines()).singleElement().asString().contains("bogus").contains("ferry --help");

        Cli badFlag = Cli.run("validate", "--no-such-flag");
        assertThat(badFlag.exit()).isEqualTo(Ferry.USAGE);
        assertThat(badFlag.err().strip().lines()).singleElement().asString().contains("--no-such-flag").contains("ferry validate --help");

        Cli badKind = Cli.run("replay", "--kind", "fatal", "--dry-run");
        assertThat(badKind.exit()).isEqualTo(Ferry.USAGE);
        assertThat(badKind.err()).contains("--kind must be permanent, retryable or throttled");

        Cli notRepo = Cli.run("validate", "--dir", "/");
        assertThat(notRepo.exit()).isEqualTo(Ferry.USAGE);
        assertThat(notRepo.err().strip()).isEqualTo("ferry validate: no integrations/ in / (run from the repository, or give --dir)");
    }

    @Test
    void completionPrintsABashScriptForEverySubcommand() {
        Cli completion = Cli.run("completion");

        assertThat(completion.exit()).isZero();
        assertThat(completion.out()).contains("complete -F").contains("validate").contains("explain").contains("--dry-run");
    }

    @Test
    void coloursOnlyOnATerminal() {
        Cli plain = Cli.run(false, "validate", "--dir", REPO);
        Cli coloured = Cli.run(true, "validate", "--dir", REPO);

        assertThat(plain.out()).doesNotContain("\u001b[").contains("valid: ");
        assertThat(coloured.out()).contains("\u001b[");
        assertThat(plain.exit()).isZero();
        assertThat(coloured.exit()).isZero();
    }
}
