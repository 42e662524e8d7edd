package dev.ferry.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ferry.shared.json.Json;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for the HTTP API in front of the webhook function: turns each HTTP request into a
 * Function URL event (payload 2.0, body base64 so the signed bytes arrive exactly), invokes the
 * function and answers with its response. {@code POST /schedules/{integration}} runs a poll now;
 * {@code POST /replay?…&dryRun=true} re-drives the local dead letters (see {@link ReplayCommand}); {@code GET /catalog}
 * is the integration catalog page of the specs loaded; {@code GET /console} is the local console (see
 * {@link dev.ferry.local.console.ConsoleRoutes}).
 */
public final class LocalHttpApi implements AutoCloseable {

    private static final Pattern SCHEDULE = Pattern.compile("^/schedules/([^/]+)$");

    private final HttpServer server;
    private final LocalFerry ferry;
    private final dev.ferry.local.console.ConsoleRoutes console;

    public LocalHttpApi(LocalFerry ferry, int port) throws IOException {
        this.ferry = ferry;
        this.console = new dev.ferry.local.console.ConsoleRoutes(ferry.console(),
                dev.ferry.local.console.DeadLetterSource.of(() -> ferry.runtime().replayer()),
                () -> ferry.runtime().integrations().all().stream().map(s -> s.name()).sorted().toList(), ferry::reloadSpecsAsConfigured);
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", this::handle);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            Matcher schedule = SCHEDULE.matcher(path);
            if (schedule.matches() && exchange.getRequestMethod().equals("POST")) {
                JsonNode answer = ferry.invokeSchedule(schedule.group(1));
                reply(exchange, 200, Map.of("content-type", "application/json"), Json.write(answer));
                return;
            }
            if (path.equals("/catalog") && exchange.getRequestMethod().equals("GET")) {
                reply(exchange, 200, Map.of("content-type", "text/html; charset=utf-8"), dev.ferry.local.catalog.CatalogPage.render(ferry.runtime()));
                return;
            }
            if (dev.ferry.local.console.ConsoleRoutes.handles(path)) {
                console.handle(exchange);
                return;
            }
            if (path.equals("/replay") && exchange.getRequestMethod().equals("POST")) {
                replay(exchange);
                return;
            }
            JsonNode response = ferry.invokeWebhook(Json.write(toEvent(exchange)));
            ObjectNode headers = response.has("headers") && response.get("headers").isObject()
                    ? (ObjectNode) response.get("headers") : JsonNodeFactory.instance.objectNode();
            Map<String, String> h = new java.util.HashMap<>();
            headers.properties().forEach(e -> h.put(e.getKey(), e.getValue().asText()));
            reply(exchange, response.path("statusCode").asInt(502), h, response.path("body").asText(""));
        } catch (RuntimeException e) {
            reply(exchange, 502, Map.of("content-type", "application/json"),
                    "{\"error\":\"the webhook function failed: " + e.getClass().getSimpleName() + "\"}");
        }
    }

    /** {@code POST /replay?integration=…&kind=…&from=…&to=…&dryRun=true}: the local DLQs through the current specs. */
    private void replay(HttpExchange exchange) throws IOException {
        Map<String, String> query = new java.util.LinkedHashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw != null && !raw.isEmpty()) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                query.put(java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), java.nio.charset.StandardCharsets.UTF_8),
                        eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        dev.ferry.shared.replay.Replayer.Filter filter;
        try {
            filter = ReplayCommand.fromQuery(query);
        } catch (IllegalArgumentException e) {
            ObjectNode error = JsonNodeFactory.instance.objectNode().put("error", e.getMessage());
            reply(exchange, 400, Map.of("content-type", "application/json"), Json.write(error));
            return;
        }
        var report = console.desk().replay(filter); // in turn with the console's own looks at the DLQs
        reply(exchange, 200, Map.of("content-type", "application/json"), Json.write(Json.MAPPER.valueToTree(report)));
    }

    static ObjectNode toEvent(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        String path = exchange.getRequestURI().getRawPath();
        event.put("version", "2.0");
        event.put("routeKey", "$default");
        event.put("rawPath", path);
        event.put("rawQueryString", exchange.getRequestURI().getRawQuery() == null ? "" : exchange.getRequestURI().getRawQuery());
        ObjectNode headers = event.putObject("headers");
        for (Map.Entry<String, List<String>> h : exchange.getRequestHeaders().entrySet()) {
            headers.put(h.getKey().toLowerCase(Locale.ROOT), String.join(",", h.getValue()));
        }
        ObjectNode context = event.putObject("requestContext");
        context.put("requestId", UUID.randomUUID().toString());
        context.put("timeEpoch", System.currentTimeMillis());
        ObjectNode http = context.putObject("http");
        http.put("method", exchange.getRequestMethod());
        http.put("path", path);
        http.put("protocol", "HTTP/1.1");
        http.put("sourceIp", exchange.getRemoteAddress().getAddress().getHostAddress());
        http.put("userAgent", exchange.getRequestHeaders().getFirst("User-Agent"));
        event.put("body", Base64.getEncoder().encodeToString(body));
        event.put("isBase64Encoded", true);
        return event;
    }

    private static void reply(HttpExchange exchange, int status, Map<String, String> headers, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
