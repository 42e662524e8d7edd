package dev.ferry.local;

import dev.ferry.shared.envelope.FailureKind;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.replay.Replayer;

import java.io.PrintStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ferry replay}: re-drives dead letters through the current specs ({@link Replayer}). The same
 * options work as command-line flags ({@code --integration crm-contacts --kind permanent --dry-run}) and,
 * under {@code ferry dev}, as query parameters of {@code POST /replay}.
 */
final class ReplayCommand {

    static final String USAGE = """
            usage: ferry replay [--integration NAME] [--kind permanent|retryable|throttled]
                                [--from ISO-INSTANT] [--to ISO-INSTANT] [--dry-run] [--json]
              Re-drives dead letters (fetch, transform and deliver DLQs) through the current specs: transform and
              deliver dead letters are re-mapped from their original source payload. --dry-run shows what would be
              sent and leaves every dead letter in place. Filters apply to each record's last failure.
              Runs against the queues named by FERRY_QUEUE_*_URL (and FERRY_AWS_REGION / FERRY_AWS_ENDPOINT),
              with the specs in FERRY_INTEGRATIONS_DIR (default: integrations).""";

    /** The parsed command line. */
    record Options(Replayer.Filter filter, boolean json) {
    }

    private ReplayCommand() {
    }

    /** @throws IllegalArgumentException with a message for the user */
    static Options parse(List<String> args) {
        String integration = null;
        FailureKind kind = null;
        Instant from = null;
        Instant to = null;
        boolean dry = false;
        boolean json = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--integration" -> integration = value(args, ++i, arg);
                case "--kind" -> kind = kind(value(args, ++i, arg));
                case "--from" -> from = instant(value(args, ++i, arg), arg);
                case "--to" -> to = instant(value(args, ++i, arg), arg);
                case "--dry-run" -> dry = true;
                case "--json" -> json = true;
                default -> throw new IllegalArgumentException("unknown argument '" + arg + "'");
            }
        }
        return new Options(filter(integration, kind, from, to, dry), json);
    }

    /** The same filter from {@code POST /replay?integration=…&kind=…&from=…&to=…&dryRun=true}. */
    static Replayer.Filter fromQuery(Map<String, String> query) {
        for (String key : query.keySet()) {
            if (!List.of("integration", "kind", "from", "to", "dryRun").contains(key)) {
                throw new IllegalArgumentException("unknown parameter '" + key + "'");
            }
        }
        return filter(query.get("integration"), query.containsKey("kind") ? kind(query.get("kind")) : null,
                query.containsKey("from") ? instant(query.get("from"), "from") : null,
                query.containsKey("to") ? instant(query.get("to"), "to") : null,
                Boolean.parseBoolean(query.getOrDefault("dryRun", "false")));
    }

    private static Replayer.Filter filter(String integration, FailureKind kind, Instant from, Instant to, boolean dry) {
        if (from != null && to != null && !from.isBefore(to)) {
            throw new IllegalArgumentException("--from " + from + " must be before --to " + to);
        }
        return new Replayer.Filter(integration, kind, from, to, dry);
    }

    private static String value(List<String> args, int i, String flag) {
        if (i >= args.size() || args.get(i).startsWith("--")) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args.get(i);
    }

    private static FailureKind kind(String text) {
        try {
            return FailureKind.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--kind must be permanent, retryable or throttled, not '" + text + "'");
        }
    }

    private static Instant instant(String text, String flag) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(flag + " must be an ISO-8601 instant such as 2026-11-23T08:00:00Z, not '"
                    + text + "'");
        }
    }

    /** One line per dead letter looked at (skipped ones only counted), then the totals. */
    static void print(Replayer.Report report, boolean dryRun, boolean json, PrintStream out) {
        if (json) {
            out.println(Json.write(Json.MAPPER.valueToTree(report)));
            return;
        }
        for (Replayer.Item item : report.items()) {
            if (item.action().equals("skipped") && item.error() == null) {
                continue;
            }
            StringBuilder line = new StringBuilder();
            line.append(String.format("%-13s %-20s %-22s %s", item.action(), item.queue(),
                    item.integration() == null ? "-" : item.integration(), item.recordId() == null ? "-" : item.recordId()));
            if (item.target() != null) {
                line.append(" -> ").append(item.target());
            }
            if (item.error() != null) {
                line.append("  (").append(item.action().equals("skipped") ? "" : "would still fail: ").append(item.error()).append(')');
            } else if (dryRun && item.preview() != null) {
                line.append("  sends ").append(Json.write(item.preview()));
            }
            out.println(line);
        }
        out.printf("replay%s: %d dead letters scanned, %d matched, %d replayed%n", dryRun ? " (dry run)" : "",
                report.scanned(), report.matched(), report.replayed());
    }
}
