package dev.ferry.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.FerryRuntime;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.envelope.StepFailure;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.poll.ScheduledPoller;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code ferry backfill <integration> --from T --to T}: the poller's backfill (window by window, its own lease, the
 * schedule's cursor untouched) with a progress bar, and resume: each finished window is noted in
 * {@code .ferry/backfill/<integration>.json}, and {@code --resume} starts after the last one.
 */
@Command(name = "backfill", mixinStandardHelpOptions = true, header = "Read a past time range into the pipeline, with progress.",
        description = {"Reads [--from, --to) window by window (cursor.maxWindow each) and queues every record for transform,"
                + " as a schedule would, without moving the schedule's cursor; records delivered before are skipped by deliver's"
                + " idempotency keys. Shows progress; an interrupted backfill continues with --resume.",
            "Runs against the queues and tables the environment names (FERRY_QUEUE_*_URL, FERRY_TABLE_*, FERRY_AWS_*) or --set."})
final class BackfillCommand extends Base {

    @Mixin
    WorkspaceOptions workspace;

    @Parameters(index = "0", paramLabel = "INTEGRATION")
    String name;

    @Option(names = "--from", paramLabel = "ISO-INSTANT", description = "Start of the range (inclusive).")
    String from;

    @Option(names = "--to", paramLabel = "ISO-INSTANT", description = "End of the range (exclusive).")
    String to;

    @Option(names = "--resume", description = "Continue the last backfill of this integration after its last finished window.")
    boolean resume;

    @Override
    int run() {
        quietCoreLogs();
        Path root = workspace.root();
        Path note = root.resolve(".ferry/backfill/" + name + ".json");
        Instant fromAt;
        Instant toAt;
        if (resume) {
            JsonNode saved = readNote(note);
            fromAt = Instant.parse(saved.path("doneUntil").asText());
            toAt = Instant.parse(saved.path("to").asText());
        } else {
            if (from == null || to == null) {
                throw CliException.usage("--from and --to are required (or --resume)");
            }
            fromAt = instant(from, "--from");
            toAt = instant(to, "--to");
        }
        SpecSet set = workspace.load();
        SpecSet.Loaded loaded = set.require(name);
        Map<String, String> config = new HashMap<>(workspace.settings());
        if (workspace.local || loaded.group().local()) {
            config.put(FerryConfig.LOCAL_MODE, "true");
        }
        FerryRuntime runtime = new FerryRuntime(FerryConfig.of(config), Clock.systemUTC(), set.registry(loaded.group()));
        ScheduledPoller.BackfillResult result;
        int[] windowsNoted = {0};
        try (Progress progress = new Progress(err(), style().terminal(), "backfill " + name)) {
            writeNote(note, fromAt, toAt, fromAt);
            result = runtime.poller().backfill(name, fromAt, toAt, p -> {
                progress.update(p.windowsDone(), p.windows(), "windows  " + p.pages() + " pages  " + p.queued() + " queued");
                if (p.windowsDone() > windowsNoted[0]) {
                    windowsNoted[0] = p.windowsDone();
                    writeNote(note, fromAt, toAt, p.windowTo());
                }
            });
        } catch (StepFailure f) {
            throw CliException.problem("the source failed: " + f.getMessage() + " (continue with --resume)");
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw CliException.usage(e.getMessage());
        }
        try {
            Files.deleteIfExists(note);
        } catch (IOException e) {
            err().println("ferry backfill: could not remove " + note + ": " + e.getMessage());
        }
        out().printf("backfill %s [%s, %s): %d windows, %d pages, %d records queued for transform%n", name, fromAt, toAt,
                result.windows(), result.pages(), result.queued());
        return Ferry.OK;
    }

    private static JsonNode readNote(Path note) {
        try {
            JsonNode saved = Json.MAPPER.readTree(Files.readString(note));
            Instant.parse(saved.path("doneUntil").asText());
            Instant.parse(saved.path("to").asText());
            return saved;
        } catch (IOException | DateTimeParseException e) {
            throw CliException.usage("nothing to resume: " + note + " is missing or unreadable (start with --from and --to)");
        }
    }

    private static void writeNote(Path note, Instant from, Instant to, Instant doneUntil) {
        try {
            Files.createDirectories(note.getParent());
            Files.writeString(note, Json.write(Json.MAPPER.createObjectNode().put("from", from.toString()).put("to", to.toString())
                    .put("doneUntil", doneUntil.toString())));
        } catch (IOException e) {
            throw CliException.problem("cannot note progress in " + note + ": " + e.getMessage());
        }
    }

    private static Instant instant(String text, String flag) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw CliException.usage(flag + " must be an ISO-8601 instant such as 2026-11-23T08:00:00Z, not '" + text + "'");
        }
    }
}
