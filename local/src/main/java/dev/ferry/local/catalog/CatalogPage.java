package dev.ferry.local.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The catalog as one self-contained HTML page: styles, script and data inline, the graph as SVG, nothing fetched, so
 * it opens from a file, an S3 bucket or {@code ferry dev}'s {@code /catalog} alike. The markup is the jte template
 * {@code src/main/jte/catalog.jte} (compiled at build time, every value HTML-escaped); the data the script needs
 * (impact per API and secret, neighbours per node) is embedded as JSON.
 */
public final class CatalogPage {

    /** What the template sees. */
    public record View(Catalog catalog, GraphLayout.Layout layout, String style, String script, String data) {

        public List<String> apiNames() {
            return catalog.apis().stream().map(Catalog.Api::name).toList();
        }

        public List<String> secretNames() {
            return catalog.secrets().stream().map(Catalog.Secret::name).toList();
        }

        /** What the search box matches for an integration: its name, owner, APIs and secrets. */
        public String searchText(Catalog.Integration i) {
            StringBuilder s = new StringBuilder(i.name()).append(' ').append(i.owner() == null ? "" : i.owner());
            i.apis().forEach(u -> s.append(' ').append(u.api()));
            i.secrets().forEach(u -> s.append(' ').append(u.secret()));
            return s.toString().toLowerCase(java.util.Locale.ROOT);
        }

        public String apisOf(Catalog.Integration i) {
            return String.join(", ", i.apis().stream().map(u -> u.role() + " " + u.api()).distinct().toList());
        }

        public String secretsOf(Catalog.Integration i) {
            return String.join(", ", i.secrets().stream().map(Catalog.SecretUse::secret).distinct().toList());
        }

        public String triggersOf(Catalog.Integration i) {
            List<String> t = new java.util.ArrayList<>();
            if (i.triggers().webhook() != null) {
                t.add("webhook " + i.triggers().webhook().path() + " (" + i.triggers().webhook().mode() + ")");
            }
            if (i.triggers().schedule() != null) {
                t.add((i.triggers().reconciliation() ? "reconciliation " : "schedule ") + i.triggers().schedule().expression());
            }
            return String.join(", ", t);
        }

        public long passing(Catalog.Integration i) {
            return i.examples().stream().filter(Catalog.Example::passed).count();
        }

        public String limitsOf(Catalog.CallLimits l) {
            List<String> parts = new java.util.ArrayList<>();
            if (l.requestsPerSecond() != null) parts.add(num(l.requestsPerSecond()) + "/s" + (l.burst() == null ? "" : " burst " + l.burst()));
            if (l.share() != null) parts.add("this integration's share " + num(l.share()) + "/s");
            if (l.timeoutMs() != null) parts.add("timeout " + l.timeoutMs() + " ms");
            if (l.retries() != null) parts.add(l.retries() + " quick retries");
            if (l.concurrency() != null) parts.add("at most " + l.concurrency() + " at once");
            if (l.budget() != null) parts.add("budget " + l.budget());
            return parts.isEmpty() ? "no limits declared" : String.join(", ", parts);
        }

        private static String num(double d) {
            return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
        }
    }

    private static final TemplateEngine ENGINE = TemplateEngine.createPrecompiled(ContentType.Html);
    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private CatalogPage() {
    }

    public static String render(Catalog catalog) {
        DependencyGraph graph = new DependencyGraph(catalog);
        StringOutput out = new StringOutput();
        ENGINE.render("catalog.jte", new View(catalog, GraphLayout.of(graph), resource("catalog.css"), resource("catalog.js"),
                data(catalog, graph)), out);
        return out.toString();
    }

    /**
     * The page for the specs a running Ferry loaded ({@code ferry dev}'s {@code /catalog}), built anew on each call; spec
     * files and {@code infra/template.yaml} are named relative to the current directory, the repository root.
     */
    public static String render(dev.ferry.shared.FerryRuntime runtime) {
        java.nio.file.Path root = java.nio.file.Path.of("").toAbsolutePath();
        List<java.nio.file.Path> dirs = runtime.config().get(dev.ferry.shared.config.FerryConfig.INTEGRATIONS_DIR)
                .map(v -> java.util.Arrays.stream(v.split(",")).map(String::trim).filter(d -> !d.isEmpty()).map(java.nio.file.Path::of).toList())
                .orElse(List.of());
        return render(CatalogSources.of(runtime.integrations(), root, dirs, root.resolve(CatalogSources.TEMPLATE)));
    }

    /** The page's data: impact per API and secret, neighbours per node; safe inside a script element. */
    static String data(Catalog catalog, DependencyGraph graph) {
        Map<String, Object> impacts = new LinkedHashMap<>();
        for (DependencyGraph.Node n : graph.nodes()) {
            if (!n.kind().equals("integration")) {
                graph.impact(n.name()).filter(i -> i.kind().equals(n.kind())).ifPresent(i -> impacts.put(n.id(), i));
            }
        }
        Map<String, Object> neighbours = new LinkedHashMap<>();
        graph.nodes().forEach(n -> neighbours.put(n.id(), graph.neighbours(n.id())));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("impacts", impacts);
        data.put("neighbours", neighbours);
        data.put("nodes", graph.nodes());
        try {
            // '<', '>' and '&' only occur inside JSON strings, where their \\u escapes mean the same: no "</script>" can appear.
            return JSON.writeValueAsString(data).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
                    .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String resource(String name) {
        try (InputStream in = CatalogPage.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
