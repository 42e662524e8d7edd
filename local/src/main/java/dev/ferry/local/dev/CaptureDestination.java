package dev.ferry.local.dev;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A destination that takes everything and says what it got: a loopback HTTP server any integration's destination API
 * can point at (its base URL setting, e.g. {@code shop.api.url=http://127.0.0.1:8788/shop} in
 * {@code .ferry/settings.properties}). Every request is answered {@code 200 {}} and printed as one line,
 * {@code DELIVERED <integration> <METHOD> <path> <body, shortened>}; the integration is read from the
 * {@code Idempotency-Key} Ferry sends. No header is printed (they carry the credentials), nor the query string (an
 * API key may travel there), and a form body shows its field names only (a token request carries secrets).
 */
public final class CaptureDestination implements AutoCloseable {

    /** Characters of a body printed before it is cut with "…". */
    public static final int SHOWN = 300;

    /** One request as printed. */
    public record Captured(String integration, String method, String path, String body) {

        public String line() {
            return "DELIVERED  " + integration + " " + method + " " + path + " " + body;
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "ferry-capture");
        t.setDaemon(true);
        return t;
    });
    private final Consumer<String> out;
    private final List<Captured> received = new CopyOnWriteArrayList<>();

    /** @param port on 127.0.0.1; 0 for any free one */
    public CaptureDestination(int port, Consumer<String> out) throws IOException {
        this.out = out;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Everything received so far, in order. */
    public List<Captured> received() {
        return List.copyOf(received);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
            String integration = key != null && key.indexOf(':') > 0 ? key.substring(0, key.indexOf(':')) : "(no Idempotency-Key)";
            String type = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
            Captured captured = new Captured(integration, exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    shown(type, body));
            received.add(captured);
            out.accept(captured.line());
            byte[] answer = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(answer);
            }
        }
    }

    static String shown(String contentType, byte[] body) {
        if (body.length == 0) {
            return "(no body)";
        }
        String text = new String(body, StandardCharsets.UTF_8);
        if (contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            text = "form fields: " + java.util.Arrays.stream(text.split("&"))
                    .map(pair -> URLDecoder.decode(pair.split("=", 2)[0], StandardCharsets.UTF_8)).collect(Collectors.joining(", "));
        }
        text = text.replaceAll("\\s*\\R\\s*", " ");
        return text.length() <= SHOWN ? text : text.substring(0, SHOWN) + "… (" + body.length + " bytes)";
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
