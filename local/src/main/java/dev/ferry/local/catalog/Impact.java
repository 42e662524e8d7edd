package dev.ferry.local.catalog;

import java.io.PrintStream;
import java.util.List;

/**
 * What depends on one API or secret: the integrations (and how), their schedules whose runs call it, and each output
 * field whose value goes through it. The same answer for {@code ferry catalog --impact}, {@code catalog.json} and the page.
 *
 * @param kind "api" or "secret"
 * @param apis for a secret: the APIs whose auth holds it
 */
public record Impact(String kind, String target, List<String> apis, List<Dependent> integrations, List<ScheduleHit> schedules,
                     List<FieldHit> fields) {

    public record Dependent(String integration, String owner, List<String> how) {
    }

    public record ScheduleHit(String integration, String expression, String name, List<String> how) {
    }

    public record FieldHit(String integration, String field, List<String> how) {
    }

    /** The answer for a terminal: one line per integration, schedule and field. */
    public void print(PrintStream out) {
        out.println("Impact of " + kind + " " + target + (apis.isEmpty() ? "" : " (held by API " + String.join(", ", apis) + ")") + ":");
        out.println();
        out.println("Integrations (" + integrations.size() + "):");
        if (integrations.isEmpty()) out.println("  none");
        for (Dependent d : integrations) {
            out.println("  " + d.integration() + "  [owner " + (d.owner() == null ? "?" : d.owner()) + "]  " + String.join("; ", d.how()));
        }
        out.println();
        out.println("Schedules (" + schedules.size() + "):");
        if (schedules.isEmpty()) out.println("  none");
        for (ScheduleHit s : schedules) {
            out.println("  " + s.integration() + "  " + s.expression() + (s.name() == null ? "  (not in infra/template.yaml)" : "  " + s.name())
                    + "  " + String.join("; ", s.how()));
        }
        out.println();
        out.println("Fields (" + fields.size() + "):");
        if (fields.isEmpty()) out.println("  none");
        for (FieldHit f : fields) {
            out.println("  " + f.integration() + "." + f.field() + "  " + String.join("; ", f.how()));
        }
    }
}
