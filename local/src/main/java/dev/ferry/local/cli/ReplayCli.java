package dev.ferry.local.cli;

import dev.ferry.local.FerryDev;
import dev.ferry.shared.config.FerryConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** {@code ferry replay}: re-drives dead letters through the current specs; the same flags as before the ferry command. */
@Command(name = "replay", mixinStandardHelpOptions = true, header = "Re-drive dead letters through the current specs.",
        description = {"Re-drives dead letters (fetch, transform and deliver DLQs) through the current specs: transform and"
                + " deliver dead letters are re-mapped from their original source payload. --dry-run shows what would be sent and"
                + " leaves every dead letter in place. Filters apply to each record's last failure.",
            "Runs against the queues named by FERRY_QUEUE_*_URL (and FERRY_AWS_REGION / FERRY_AWS_ENDPOINT), with the specs in"
                + " FERRY_INTEGRATIONS_DIR (default: integrations)."})
final class ReplayCli extends Base {

    @Option(names = "--integration", paramLabel = "NAME", description = "Only this integration's dead letters.")
    String integration;

    @Option(names = "--kind", paramLabel = "KIND", description = "Only failures of this kind: permanent, retryable or throttled.",
            completionCandidates = Kinds.class)
    String kind;

    @Option(names = "--from", paramLabel = "ISO-INSTANT", description = "Only failures at or after this instant.")
    String from;

    @Option(names = "--to", paramLabel = "ISO-INSTANT", description = "Only failures before this instant.")
    String to;

    @Option(names = "--dry-run", description = "Show what would be sent; leave every dead letter in place.")
    boolean dryRun;

    @Option(names = "--json", description = "Print the report as one JSON document.")
    boolean json;

    static final class Kinds extends ArrayList<String> {
        Kinds() {
            super(List.of("permanent", "retryable", "throttled"));
        }
    }

    @Override
    int run() {
        List<String> args = new ArrayList<>();
        add(args, "--integration", integration);
        add(args, "--kind", kind);
        add(args, "--from", from);
        add(args, "--to", to);
        if (dryRun) {
            args.add("--dry-run");
        }
        if (json) {
            args.add("--json");
        }
        FerryDev.configureLogging();
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int exit = FerryDev.replay(args, FerryConfig.fromEnvironment(), new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        out().print(o.toString(StandardCharsets.UTF_8));
        err().print(e.toString(StandardCharsets.UTF_8));
        out().flush();
        err().flush();
        return exit;
    }

    private static void add(List<String> args, String flag, String value) {
        if (value != null) {
            args.add(flag);
            args.add(value);
        }
    }
}
