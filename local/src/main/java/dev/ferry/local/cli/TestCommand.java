package dev.ferry.local.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.shared.mapping.ExampleRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;

/** {@code ferry test [integration…]}: runs the examples; a mismatch shows each field that differs. */
@Command(name = "test", mixinStandardHelpOptions = true, header = "Run the examples; a mismatch shows each field that differs.",
        description = {"Runs the examples of every integration (or of those named): each input must map to its output exactly,"
                + " or fail with an error containing its error text. A mismatch lists each field that differs.",
            "Exit 0: every example holds; 1: one fails, or a spec does not load."})
final class TestCommand extends Base {

    @Mixin
    WorkspaceOptions workspace;

    @Parameters(paramLabel = "INTEGRATION", arity = "0..*", description = "Integrations to test (default: all).")
    List<String> names = new ArrayList<>();

    @Option(names = "--json", description = "Print the results as one JSON document.")
    boolean json;

    @Override
    int run() {
        quietCoreLogs();
        SpecSet set = workspace.load();
        List<SpecSet.Loaded> chosen = new ArrayList<>();
        if (names.isEmpty()) {
            chosen.addAll(set.specs.values());
        } else {
            names.forEach(n -> chosen.add(set.require(n)));
        }
        ExampleRunner runner = new ExampleRunner();
        int passed = 0;
        int failed = 0;
        Style s = style();
        ArrayNode results = JsonNodeFactory.instance.arrayNode();
        for (SpecSet.Loaded loaded : chosen) {
            List<ExampleRunner.Result> rs = runner.run(loaded.spec());
            if (!json) {
                out().println(s.bold(loaded.spec().name()) + (rs.isEmpty() ? s.warning("  no examples: nothing checks this mapping") : ""));
            }
            for (ExampleRunner.Result r : rs) {
                if (r.passed()) {
                    passed++;
                } else {
                    failed++;
                }
                if (json) {
                    ObjectNode node = results.addObject().put("integration", r.integration()).put("example", r.example())
                            .put("passed", r.passed());
                    if (!r.passed()) {
                        node.put("problem", r.problem());
                        r.diff().forEach(node.putArray("diff")::add);
                    }
                    continue;
                }
                out().println("  " + (r.passed() ? s.ok("ok  ") : s.error("FAIL")) + "  " + r.example());
                if (!r.passed()) {
                    out().println("        " + r.problem());
                    r.diff().forEach(line -> out().println("          " + line));
                }
            }
        }
        boolean loadProblems = names.isEmpty() && !set.errors.isEmpty();
        if (json) {
            ObjectNode doc = JsonNodeFactory.instance.objectNode().put("passed", passed).put("failed", failed);
            doc.set("results", results);
            set.errors.forEach(doc.putArray("errors")::add);
            printJson(doc);
        } else {
            set.errors.forEach(e -> out().println(s.error("error: ") + e));
            String summary = "%d integrations, %d examples: %d passed, %d failed".formatted(chosen.size(), passed + failed, passed, failed);
            out().println(failed == 0 && !loadProblems ? s.ok("ok: ") + summary : s.error("failed: ") + summary
                    + (loadProblems ? "; " + set.errors.size() + " spec problems (ferry validate)" : ""));
        }
        return failed == 0 && !loadProblems ? Ferry.OK : Ferry.PROBLEMS;
    }
}
