package dev.ferry.local.catalog;

import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.spec.SpecException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code ferry catalog}: writes the catalog directory ({@code catalog.json}, {@code index.html}, {@code catalog-info.yaml}),
 * or with {@code --impact} answers what depends on one API or secret. Exit codes: 0 done, 1 a problem (an invalid spec, a
 * file that cannot be written), 2 wrong usage or an unknown API or secret.
 */
@Command(name = "catalog", sortOptions = false,
        description = {"Writes the integration catalog: catalog.json, index.html (one self-contained page) and catalog-info.yaml (Backstage).",
                "With --impact, prints every integration, schedule and field that depends on an API or a secret."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:a problem: an invalid spec, a file that cannot be written", "2:wrong usage, an unknown API or secret"})
public final class CatalogCommand implements Callable<Integer> {

    @Option(names = "--out", paramLabel = "DIR", description = "where to write the catalog (default: ${DEFAULT-VALUE})")
    Path out = Path.of("target/catalog");

    @Option(names = "--impact", paramLabel = "API|SECRET", description = "print what depends on this API (e.g. billing) or secret (e.g. ferry/crm/api)")
    String impact;

    @Option(names = "--json", description = "print JSON: the impact answer with --impact, else the catalog itself (nothing is written)")
    boolean json;

    @Option(names = "--repo", paramLabel = "DIR", description = "the repository root (default: the current directory)")
    Path repo = Path.of("");

    @Option(names = "--integrations", paramLabel = "DIR", description = "integrations directory, relative to --repo; repeatable; its APIs are "
            + "read from the apis/ beside it (default: integrations)")
    List<Path> integrations = new ArrayList<>();

    @Option(names = "--template", paramLabel = "FILE", description = "the SAM template with queues, tables and schedules (default: ${DEFAULT-VALUE})")
    Path template = Path.of(CatalogSources.TEMPLATE);

    @Option(names = "--owner", paramLabel = "TEAM", description = "owner of the shared queues and tables in the Backstage export (default: ${DEFAULT-VALUE})")
    String owner = "ferry-platform";

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
    boolean help;

    @Spec
    CommandSpec spec;

    public CatalogCommand() {
    }

    /** Runs the command as the {@code ferry} launcher would; answers the exit code. */
    public static int run(String... args) {
        return new CommandLine(new CatalogCommand()).execute(args);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        Path root = repo.toAbsolutePath().normalize();
        List<Path> dirs = (integrations.isEmpty() ? List.of(Path.of("integrations")) : integrations).stream().map(root::resolve).toList();
        Catalog catalog;
        try {
            catalog = CatalogSources.load(root, dirs, root.resolve(template), FerryConfig.fromEnvironment()::get);
        } catch (SpecException e) {
            e.problems().forEach(p -> stderr.println("ferry catalog: " + p));
            return 1;
        } catch (UncheckedIOException | dev.ferry.shared.config.ConfigurationException e) {
            stderr.println("ferry catalog: " + e.getMessage());
            return 1;
        }
        try {
            if (impact != null) {
                return impact(catalog, stdout, stderr);
            }
            if (json) {
                stdout.println(CatalogWriter.json(catalog));
                return 0;
            }
            Path dir = root.resolve(out);
            for (Path written : CatalogWriter.write(catalog, dir, owner)) {
                stdout.println("wrote " + CatalogSources.shown(root, written));
            }
            long failing = catalog.integrations().stream().flatMap(i -> i.examples().stream()).filter(e -> !e.passed()).count();
            stdout.println(catalog.integrations().size() + " integrations, " + catalog.apis().size() + " APIs, " + catalog.secrets().size()
                    + " secrets" + (failing == 0 ? "; every example passes" : "; " + failing + " examples FAIL (see the page)"));
            return 0;
        } catch (IOException | UncheckedIOException e) {
            stderr.println("ferry catalog: cannot write: " + e.getMessage());
            return 1;
        }
    }

    private int impact(Catalog catalog, PrintWriter stdout, PrintWriter stderr) throws IOException {
        var answer = new DependencyGraph(catalog).impact(impact);
        if (answer.isEmpty()) {
            stderr.println("ferry catalog: --impact: no API or secret named '" + impact + "' (APIs: "
                    + String.join(", ", catalog.apis().stream().map(Catalog.Api::name).toList()) + "; secrets: "
                    + String.join(", ", catalog.secrets().stream().map(Catalog.Secret::name).toList()) + ")");
            return 2; // as every ferry command: an unknown name is a usage error
        }
        if (json) {
            stdout.println(CatalogWriter.json(answer.get()));
        } else {
            java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
            try (java.io.PrintStream ps = new java.io.PrintStream(text, true, java.nio.charset.StandardCharsets.UTF_8)) {
                answer.get().print(ps);
            }
            stdout.print(text.toString(java.nio.charset.StandardCharsets.UTF_8));
        }
        stdout.flush();
        return 0;
    }
}
