package dev.ferry.local.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.replay.Replayer;
import dev.ferry.shared.spec.SpecException;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.function.Supplier;

/**
 * The console's routes on {@code ferry dev}'s HTTP server: {@code GET /console} (the page), its style and script, and
 * the JSON it refreshes from, {@code GET /console/api/counts}, {@code /dead-letters}, {@code /recent},
 * {@code /trail?trace=…}, and {@code POST /console/api/replay?integration=…&record=…&dryRun=true} and
 * {@code POST /console/api/reload}. Only loopback host names are answered (no other site can reach it by DNS
 * rebinding), POSTs need the page's own header (no other site's form can post here), and the page's
 * Content-Security-Policy allows no inline script and no other origin.
 */
public final class ConsoleRoutes {

    public static final String PATH = "/console";
    /** The header every POST from the page carries; a cross-site request cannot set it without a preflight. */
    static final String POST_HEADER = "X-Ferry-Console";
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:;"
            + " base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "[::1]");
    private static final int RECENT = 50;

    private final ConsoleRecorder recorder;
    private final DeadLetterDesk desk;
    private final Supplier<List<String>> integrations;
    private final Supplier<SortedSet<String>> reload;

    /**
     * @param integrations the names of the integrations loaded now
     * @param reload       reads the spec files again (LocalFerry.reloadSpecs): the names changed
     */
    public ConsoleRoutes(ConsoleRecorder recorder, DeadLetterSource deadLetters, Supplier<List<String>> integrations,
                         Supplier<SortedSet<String>> reload) {
        this.recorder = recorder;
        this.desk = new DeadLetterDesk(deadLetters, recorder.trail());
        this.integrations = integrations;
        this.reload = reload;
    }

    /** The one way to the dead-letter queues, shared with {@code POST /replay}. */
    public DeadLetterDesk desk() {
        return desk;
    }

    public static boolean handles(String path) {
        return path.equals(PATH) || path.startsWith(PATH + "/");
    }

    /** Answers one request under {@link #PATH}; the caller closes the exchange. */
    public void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        String method = exchange.getRequestMethod();
        if (!loopbackHost(exchange.getRequestHeaders().getFirst("Host"))) {
            error(exchange, 403, "the console answers only on 127.0.0.1 or localhost");
            return;
        }
        if (method.equals("POST") && !"1".equals(exchange.getRequestHeaders().getFirst(POST_HEADER))) {
            error(exchange, 403, "POST from the console page only (header " + POST_HEADER + " missing)");
            return;
        }
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        try {
            switch (method + " " + path) {
                case "GET /console", "GET /console/" -> send(exchange, 200, "text/html; charset=utf-8", page().getBytes(StandardCharsets.UTF_8));
                case "GET /console/console.css" -> send(exchange, 200, "text/css; charset=utf-8", ConsolePage.resource("console.css"));
                case "GET /console/console.js" -> send(exchange, 200, "text/javascript; charset=utf-8", ConsolePage.resource("console.js"));
                case "GET /console/api/counts" -> json(exchange, 200, counts());
                case "GET /console/api/dead-letters" -> json(exchange, 200, ConsoleViews.lettersJson(ConsoleViews.letters(desk.list())));
                case "GET /console/api/recent" -> json(exchange, 200, events(null, recorder.trail().recent(RECENT)));
                case "GET /console/api/trail" -> trail(exchange, query.get("trace"));
                case "POST /console/api/replay" -> replay(exchange, query);
                case "POST /console/api/reload" -> reload(exchange);
                default -> error(exchange, 404, "no such console route: " + method + " " + path);
            }
        } catch (RuntimeException e) {
            // e.g. the queues stopped under it; the page shows the message (escaped), the server goes on.
            error(exchange, 500, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    String page() {
        return ConsolePage.render(new ConsolePage.View(integrations.get(), recorder.counts().rows(),
                ConsoleViews.letters(desk.list()), recorder.trail().recent(RECENT)));
    }

    ObjectNode counts() {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.set("integrations", Json.MAPPER.valueToTree(integrations.get()));
        out.set("rows", Json.MAPPER.valueToTree(recorder.counts().rows()));
        return out;
    }

    private static ObjectNode events(String traceId, List<RecordTrail.Entry> entries) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        if (traceId != null) {
            out.put("traceId", traceId);
        }
        out.set("events", Json.MAPPER.valueToTree(entries));
        return out;
    }

    private void trail(HttpExchange exchange, String trace) throws IOException {
        if (trace == null || trace.isBlank()) {
            error(exchange, 400, "say which trace: /console/api/trail?trace=<trace id>");
            return;
        }
        json(exchange, 200, events(trace.trim(), recorder.trail().trail(trace.trim())));
    }

    /** One record's dead letters ({@code integration} and {@code record}), previewed first with {@code dryRun=true}. */
    private void replay(HttpExchange exchange, Map<String, String> query) throws IOException {
        for (String key : query.keySet()) {
            if (!List.of("integration", "record", "dryRun").contains(key)) {
                error(exchange, 400, "unknown parameter '" + key + "' (known: integration, record, dryRun)");
                return;
            }
        }
        String integration = query.get("integration");
        String record = query.get("record");
        if (integration == null || integration.isBlank() || record == null || record.isBlank()) {
            error(exchange, 400, "say which record: ?integration=<name>&record=<record id>");
            return;
        }
        Replayer.Filter filter = Replayer.Filter.all().only(integration, record);
        boolean dry = Boolean.parseBoolean(query.getOrDefault("dryRun", "false"));
        Replayer.Report report = desk.replay(dry ? filter.dry() : filter);
        json(exchange, 200, Json.MAPPER.valueToTree(report));
    }

    private void reload(HttpExchange exchange) throws IOException {
        try {
            ObjectNode out = Json.MAPPER.createObjectNode();
            out.set("changed", Json.MAPPER.valueToTree(reload.get()));
            json(exchange, 200, out);
        } catch (SpecException e) {
            error(exchange, 400, e.getMessage()); // every problem, file:line: path: problem; the running specs stay
        }
    }

    static boolean loopbackHost(String host) {
        if (host == null) {
            return false;
        }
        String name = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1)
                : host.contains(":") ? host.substring(0, host.indexOf(':')) : host;
        return LOOPBACK.contains(name.toLowerCase(java.util.Locale.ROOT));
    }

    static Map<String, String> query(String raw) {
        Map<String, String> query = new LinkedHashMap<>();
        if (raw != null && !raw.isEmpty()) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                query.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return query;
    }

    private static void error(HttpExchange exchange, int status, String message) throws IOException {
        json(exchange, status, Json.MAPPER.createObjectNode().put("error", message));
    }

    private static void json(HttpExchange exchange, int status, JsonNode body) throws IOException {
        send(exchange, status, "application/json", Json.write(body).getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", type);
        headers.set("Cache-Control", "no-store");
        headers.set("X-Content-Type-Options", "nosniff"); // JSON holding "<script>" is never read as HTML
        headers.set("Content-Security-Policy", CSP);
        headers.set("Referrer-Policy", "no-referrer");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
