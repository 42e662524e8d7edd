package dev.ferry.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.shared.FerryRuntime;
import dev.ferry.shared.envelope.Envelope;
import dev.ferry.shared.envelope.StepFailure;
import dev.ferry.shared.idempotency.IdempotencyKeys;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.mapping.FieldMapper;
import dev.ferry.shared.mapping.Lookups;
import dev.ferry.shared.mapping.MappingException;
import dev.ferry.shared.mapping.OutputValidator;
import dev.ferry.shared.poll.ScheduledPoller;
import dev.ferry.shared.spec.IntegrationSpec;
import dev.ferry.shared.steps.DeliverStep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * {@code ferry plan <integration>}: a dry run against the real source. Reads the pages a scheduled run would read now
 * (through the poller's own dry run: same auth, paging, cursor window and limits), maps and checks each record, and
 * reports what would be written: new, unchanged (delivered before, per the idempotency table when it can be reached)
 * or failing, with the reason. Nothing is queued or written and no cursor moves.
 */
@Command(name = "plan", mixinStandardHelpOptions = true, header = "Dry run against the real source: what a run would write.",
        description = {"A dry run against the real source: reads what a scheduled run would read now (same auth, paging,"
                + " cursor window and limits), maps and checks every record, and reports each as new, unchanged (already"
                + " delivered, when the idempotency table can be reached) or failing, with the reason. Nothing is queued or"
                + " written and the cursor does not move. For a webhook integration, --event FILE does the same for one payload.",
            "Credentials come from Secrets Manager as the functions' do (FERRY_AWS_* / AWS_* settings, or --set).",
            "Exit 0: every record would go through; 1: some would fail, or the source answered with an error; 2: usage."})
final class PlanCommand extends Base {

    @Mixin
    WorkspaceOptions workspace;

    @Parameters(index = "0", paramLabel = "INTEGRATION")
    String name;

    @Option(names = "--from", paramLabel = "ISO-INSTANT", description = "Read from here instead of the committed cursor (timestamp cursors).")
    String from;

    @Option(names = "--to", paramLabel = "ISO-INSTANT", description = "Read up to here (default: now).")
    String to;

    @Option(names = "--limit", paramLabel = "N", description = "Stop after the page that reaches N records (default: ${DEFAULT-VALUE}).")
    int limit = 1000;

    @Option(names = "--event", paramLabel = "FILE", description = "A webhook payload (JSON) to plan instead of reading the source.")
    Path event;

    @Option(names = "--json", description = "Print the plan as one JSON document.")
    boolean json;

    @Option(names = "--show", description = "Show each record that would be written as it would be sent.")
    boolean show;

    private int news;
    private int unchanged;
    private int failing;
    private String idempotencyNote;
    private final ArrayNode items = JsonNodeFactory.instance.arrayNode();

    @Override
    int run() {
        quietCoreLogs();
        if (limit < 1) {
            throw CliException.usage("--limit must be at least 1, got " + limit);
        }
        Instant fromAt = instant(from, "--from");
        Instant toAt = instant(to, "--to");
        SpecSet set = workspace.load();
        SpecSet.Loaded loaded = set.require(name);
        IntegrationSpec spec = loaded.spec();
        java.util.Map<String, String> config = new java.util.HashMap<>(workspace.settings());
        if (workspace.local || loaded.group().local()) {
            config.put(dev.ferry.shared.config.FerryConfig.LOCAL_MODE, "true");
        }
        FerryRuntime runtime = new FerryRuntime(dev.ferry.shared.config.FerryConfig.of(config), Clock.systemUTC(), set.registry(loaded.group()));
        Lookups lookups = spec.lookups().isEmpty() ? Lookups.NONE : runtime.lookups().forSpec(spec);
        if (event != null) {
            return planEvent(runtime, spec, lookups);
        }
        if (spec.source() == null || spec.source().list() == null) {
            throw CliException.usage("integration '" + name + "' has no source.list to read"
                    + (spec.webhook() != null ? "; it takes webhooks: give --event FILE with one payload" : ""));
        }
        ScheduledPoller.DryRun run;
        try (Progress progress = new Progress(err(), style().terminal(), "plan " + name)) {
            run = runtime.poller().dryRun(name, fromAt, toAt, limit, page -> {
                if (!json) {
                    progress.close();
                    out().println(style().bold("page " + page.page()) + "  GET " + page.url() + "  " + page.records().size() + " records"
                            + (page.withoutId() > 0 ? ", " + page.withoutId() + " without an id at " + spec.source().recordId() : ""));
                }
                failing += page.withoutId();
                for (Envelope e : page.records()) {
                    judge(runtime, spec, lookups, e.recordId(), e.idempotencyKey(), e.payload());
                }
                progress.update(page.page(), 0, "page " + page.page() + "  " + (news + unchanged + failing) + " records");
            });
        } catch (StepFailure f) {
            throw CliException.problem("the source failed: " + f.getMessage() + " (nothing was queued or written)");
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
        return report("from " + (run.from() == null ? "the beginning" : run.from()) + " (" + run.cursor() + ")"
                + (run.to() == null ? "" : " to " + run.to()), run.pages(), run.limited());
    }

    private int planEvent(FerryRuntime runtime, IntegrationSpec spec, Lookups lookups) {
        if (spec.webhook() == null) {
            throw CliException.usage("integration '" + name + "' takes no webhooks; plan reads its source without --event");
        }
        JsonNode payload;
        try {
            payload = Json.MAPPER.readTree(java.nio.file.Files.readString(event));
        } catch (java.io.IOException e) {
            throw CliException.usage(event + ": --event cannot be read as JSON (" + e.getClass().getSimpleName() + ")");
        }
        String recordId = payload == null ? null : Json.textAt(payload, spec.source().recordId());
        if (recordId != null && spec.webhook().thin()) {
            payload = fetch(runtime, spec, recordId);
        }
        if (recordId == null) {
            failing++;
            line("failing", "-", "no record id at " + spec.source().recordId(), null);
        } else {
            judge(runtime, spec, lookups, recordId, IdempotencyKeys.forRecord(spec, recordId, payload), payload);
        }
        return report(spec.webhook().thin() ? "one thin event (" + event + "), its record fetched from the source"
                : "one webhook payload (" + event + ")", 0, false);
    }

    /** A thin event's record, read as fetch would read it (source.get, the source's auth and limits); nothing queued. */
    private JsonNode fetch(FerryRuntime runtime, IntegrationSpec spec, String recordId) {
        if (spec.source().get() == null) {
            throw CliException.usage("integration '" + name + "' takes thin events but has no source.get to fetch the record by id");
        }
        String url = spec.source().get().url().replace("{id}", java.net.URLEncoder.encode(recordId, java.nio.charset.StandardCharsets.UTF_8));
        try {
            JsonNode body = runtime.apiClients().source(spec).getJson(dev.ferry.shared.api.ApiRequest.get(url),
                    "fetching record " + recordId + " of '" + spec.name() + "'");
            JsonNode record = Json.at(body, spec.source().get().recordPath());
            if (record.isMissingNode() || !record.isObject()) {
                throw CliException.problem("the source answered without a record object at " + spec.source().get().recordPath()
                        + " (nothing was queued or written)");
            }
            if (!json) {
                out().println("fetched " + recordId + " from the source");
            }
            return record;
        } catch (StepFailure f) {
            throw CliException.problem("the source failed: " + f.getMessage() + " (nothing was queued or written)");
        }
    }

    /** Maps and checks one record as transform would, then asks the idempotency table whether it was delivered. */
    private void judge(FerryRuntime runtime, IntegrationSpec spec, Lookups lookups, String recordId, String key, JsonNode payload) {
        JsonNode mapped;
        try {
            mapped = new FieldMapper().map(spec, payload, lookups);
            List<String> violations = new OutputValidator().violations(spec, mapped);
            if (!violations.isEmpty()) {
                throw new MappingException("(record)", "(destination schema)", "does not fit the destination schema: "
                        + String.join("; ", violations));
            }
        } catch (MappingException | StepFailure e) {
            failing++;
            line("failing", recordId, e.getMessage(), null);
            return;
        }
        Boolean delivered = delivered(runtime, spec, key);
        if (Boolean.TRUE.equals(delivered)) {
            unchanged++;
            line("unchanged", recordId, "delivered before (idempotency key " + key + ")", null);
        } else {
            news++;
            line("new", recordId, delivered == null ? "not checked: " + idempotencyNote : null, mapped);
        }
    }

    private Boolean delivered(FerryRuntime runtime, IntegrationSpec spec, String key) {
        if (idempotencyNote != null) {
            return null;
        }
        try {
            return runtime.idempotency().completed(spec.name(), DeliverStep.STEP, key);
        } catch (RuntimeException e) {
            idempotencyNote = "the idempotency table " + runtime.config().idempotencyTable() + " cannot be reached ("
                    + e.getClass().getSimpleName() + ")";
            return null;
        }
    }

    private void line(String verdict, String recordId, String why, JsonNode mapped) {
        ObjectNode item = items.addObject().put("verdict", verdict).put("recordId", recordId);
        if (why != null) {
            item.put("reason", why);
        }
        if (mapped != null) {
            item.set("record", mapped);
        }
        if (json) {
            return;
        }
        Style s = style();
        String tag = switch (verdict) {
            case "new" -> s.ok("new      ");
            case "unchanged" -> "unchanged";
            default -> s.error("failing  ");
        };
        out().println("  " + tag + "  " + recordId + (why == null ? "" : "  " + why) + (show && mapped != null ? "  sends " + Json.write(mapped) : ""));
    }

    private int report(String what, int pages, boolean limited) {
        String summary = "%d new, %d unchanged, %d failing".formatted(news, unchanged, failing);
        if (json) {
            ObjectNode doc = JsonNodeFactory.instance.objectNode().put("integration", name).put("read", what).put("pages", pages)
                    .put("limited", limited).put("new", news).put("unchanged", unchanged).put("failing", failing);
            if (idempotencyNote != null) {
                doc.put("idempotency", idempotencyNote);
            }
            doc.set("records", items);
            printJson(doc);
        } else {
            out().println("plan " + name + ": read " + what + (pages > 0 ? ", " + pages + " pages" : "")
                    + (limited ? " (stopped at --limit " + limit + ")" : "") + ": " + summary
                    + "; nothing queued or written, cursor not moved");
        }
        return failing == 0 ? Ferry.OK : Ferry.PROBLEMS;
    }

    private static Instant instant(String text, String flag) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw CliException.usage(flag + " must be an ISO-8601 instant such as 2026-11-23T08:00:00Z, not '" + text + "'");
        }
    }
}
