package dev.ferry.local.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.shared.mapping.Lineage;
import dev.ferry.shared.spec.IntegrationSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Map;

/** {@code ferry explain <integration> [field]}: where each field comes from, in words. */
@Command(name = "explain", mixinStandardHelpOptions = true, header = "Say where each destination field comes from.",
        description = "Says in words what an integration reads, where it writes, and where each destination field comes from"
                + " (its source path and every conversion, in order) — or only the one field named.")
final class ExplainCommand extends Base {

    @Mixin
    WorkspaceOptions workspace;

    @Parameters(index = "0", paramLabel = "INTEGRATION")
    String name;

    @Parameters(index = "1", arity = "0..1", paramLabel = "FIELD", description = "A destination field (dots for nesting, e.g. billing.city).")
    String field;

    @Option(names = "--json", description = "Print the lineage as one JSON document.")
    boolean json;

    @Override
    int run() {
        quietCoreLogs();
        IntegrationSpec spec = workspace.load().require(name).spec();
        Map<String, Lineage.Field> lineage = Lineage.of(spec);
        if (field != null && !lineage.containsKey(field)) {
            throw CliException.usage("'" + name + "' has no destination field '" + field + "' (fields: " + String.join(", ", lineage.keySet()) + ")");
        }
        if (json) {
            ObjectNode doc = JsonNodeFactory.instance.objectNode().put("integration", spec.name());
            ObjectNode fields = doc.putObject("fields");
            lineage.values().stream().filter(f -> field == null || f.field().equals(field)).forEach(f -> {
                ObjectNode n = fields.putObject(f.field()).put("source", f.source());
                f.conversions().forEach(n.putArray("conversions")::add);
            });
            printJson(doc);
            return Ferry.OK;
        }
        if (field != null) {
            out().println(sentence(lineage.get(field)));
            return Ferry.OK;
        }
        out().println(style().bold(spec.name()) + (spec.description() == null ? "" : ": " + spec.description())
                + (spec.owner() == null ? "" : " (owner " + spec.owner() + ")"));
        out().println(reads(spec));
        out().println(writes(spec));
        out().println("Each destination field:");
        lineage.values().forEach(f -> out().println("  " + sentence(f)));
        return Ferry.OK;
    }

    /** "email is taken from /properties/email, then: trim, lower case; required." */
    static String sentence(Lineage.Field f) {
        String from = f.source().startsWith("constant ") || f.source().startsWith("template ") ? "is the " + f.source()
                : "is taken from " + f.source();
        return f.field() + " " + from + (f.conversions().isEmpty() ? "" : ", then: " + String.join(", ", f.conversions())) + ".";
    }

    private static String reads(IntegrationSpec spec) {
        StringBuilder s = new StringBuilder("Reads: ");
        var source = spec.source();
        boolean any = false;
        if (source != null && source.list() != null) {
            s.append("GET ").append(source.list().url());
            var cursor = source.list().cursor();
            if (cursor != null && cursor.param() != null) {
                s.append(" (only what changed since the last run: ").append(cursor.param()).append(')');
            }
            s.append(spec.schedule() == null ? "" : " on " + spec.schedule());
            any = true;
        }
        if (spec.webhook() != null) {
            s.append(any ? "; " : "").append("signed webhooks at /webhooks/").append(spec.name())
                    .append(spec.webhook().thin() && source != null && source.get() != null ? " (ids only; each record then fetched from GET "
                            + source.get().url() + ")" : " (whole records)");
            any = true;
        }
        if (source != null && source.api() != null) {
            s.append(" — API ").append(source.api());
        }
        s.append(source == null ? "" : "; a record's id is at " + source.recordId());
        return any ? s.toString() : s.append("nothing (no list and no webhook)").toString();
    }

    private static String writes(IntegrationSpec spec) {
        var d = spec.destination();
        String to = d.method() + " " + d.url() + (d.api() == null ? "" : " — API " + d.api());
        if (d.batch() != null) {
            to += " (in batches of up to " + d.batch().size() + " at " + d.batch().url() + ")";
        }
        return "Writes: " + to + (d.schema() == null ? "" : "; each record checked against destination.schema first");
    }
}
