package dev.ferry.local.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code ferry validate [files…]}: every spec and API checked as the functions would at start, all problems at once. */
@Command(name = "validate", mixinStandardHelpOptions = true, header = "Check every spec and API file; all problems at once.",
        description = {"Checks every integration and API file (or the files named) as the functions would at start, plus the"
                + " editor schema's check (docs/schema), and prints every problem at once as file:line: path: problem.",
            "An integration without examples is a warning. Exit 0: no problems (warnings allowed); 1: problems."})
final class ValidateCommand extends Base {

    @Mixin
    WorkspaceOptions workspace;

    @Parameters(paramLabel = "FILE", arity = "0..*", description = "Spec files to check (default: all of integrations/, apis/, sandbox/).")
    List<Path> files = new ArrayList<>();

    @Option(names = "--json", description = "Print the findings as one JSON document.")
    boolean json;

    @Override
    int run() {
        quietCoreLogs();
        Path root = workspace.root();
        SpecSet set = files.isEmpty() ? workspace.load()
                : SpecSet.loadFiles(root, workspace.settings(), workspace.local, files.stream().map(f -> f.isAbsolute() ? f : root.resolve(f)).toList());
        if (json) {
            ObjectNode doc = JsonNodeFactory.instance.objectNode();
            doc.put("ok", set.errors.isEmpty());
            doc.put("files", set.files.size());
            doc.putPOJO("integrations", set.specs.keySet());
            set.errors.forEach(doc.putArray("errors")::add);
            set.warnings.forEach(doc.putArray("warnings")::add);
            printJson(doc);
            return set.errors.isEmpty() ? Ferry.OK : Ferry.PROBLEMS;
        }
        Style s = style();
        set.errors.forEach(e -> out().println(s.error("error: ") + e));
        set.warnings.forEach(w -> out().println(s.warning("warning: ") + w));
        String summary = "%d files, %d integrations: %d problems, %d warnings".formatted(set.files.size(), set.specs.size(),
                set.errors.size(), set.warnings.size());
        out().println(set.errors.isEmpty() ? s.ok("valid: ") + summary : s.error("invalid: ") + summary);
        return set.errors.isEmpty() ? Ferry.OK : Ferry.PROBLEMS;
    }
}
