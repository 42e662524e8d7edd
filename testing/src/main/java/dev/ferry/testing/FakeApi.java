package dev.ferry.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ferry.shared.json.Json;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on 127.0.0.1 standing in for a source or destination API. Routes are programmed
 * with {@link #on}; every request is recorded, in arrival order, before it is answered. Unmatched
 * requests get 404 with a JSON body saying there is no route.
 */
public final class FakeApi implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(FakeApi.class);
    private static final int THREADS = 16;

    private record Route(String method, String path, Responder responder) {
        boolean matches(String requestMethod, String requestPath) {
            if (!method.equals("*") && !method.equals(requestMethod)) {
                return false;
            }
            return path.endsWith("*") ? requestPath.startsWith(path.substring(0, path.length() - 1))
                    : requestPath.equals(path);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final List<Route> routes = new CopyOnWriteArrayList<>();
    private final List<RecordedRequest> requests = new ArrayList<>();
    private final String baseUrl;

    private FakeApi(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
        this.baseUrl = "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    }

    public static FakeApi start() {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("FakeApi could not bind to loopback", e);
        }
        AtomicInteger n = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "fake-api-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        FakeApi api = new FakeApi(server, executor);
        server.createContext("/", api::handle);
        server.start();
        return api;
    }

    /** e.g. {@code http://127.0.0.1:41234} (no trailing slash). */
    public String baseUrl() {
        return baseUrl;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Answers {@code method} (or {@code *} for any) requests to {@code path}: an exact path, or a prefix when it
     * ends with {@code *}. A later registration that matches wins over an earlier one.
     */
    public FakeApi on(String method, String path, Responder responder) {
        routes.add(new Route(method.equals("*") ? "*" : method.toUpperCase(Locale.ROOT), path, responder));
        return this;
    }

    /** Always answers {@code reply}. */
    public FakeApi on(String method, String path, Reply reply) {
        return on(method, path, Responder.always(reply));
    }

    /** All requests so far, in arrival order. */
    public List<RecordedRequest> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** Requests with this method ({@code *} for any) whose path starts with {@code pathPrefix}. */
    public List<RecordedRequest> requests(String method, String pathPrefix) {
        return requests().stream().filter(r -> matches(r, method, pathPrefix)).toList();
    }

    /** Waits until at least {@code count} such requests arrived; false on timeout. */
    public boolean awaitRequests(String method, String pathPrefix, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (requests) {
            while (true) {
                long seen = requests.stream().filter(r -> matches(r, method, pathPrefix)).count();
                if (seen >= count) {
                    return true;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    requests.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
    }

    /** Forgets routes and recorded requests. */
    public void reset() {
        routes.clear();
        synchronized (requests) {
            requests.clear();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private static boolean matches(RecordedRequest r, String method, String pathPrefix) {
        return (method.equals("*") || r.method().equalsIgnoreCase(method)) && r.path().startsWith(pathPrefix);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            RecordedRequest request = record(exchange);
            Reply reply;
            try {
                reply = route(request);
            } catch (Exception e) {
                LOG.warnf("FakeApi responder for %s failed: %s", request, e.toString());
                reply = Reply.json(500, errorJson("responder failed", request.method(), request.path()));
            }
            if (reply.dropsConnection()) {
                // Closing the exchange before any response headers closes the TCP connection: the client reads
                // no answer at all, as from a crashed server or a connection reset on the way.
                LOG.debugf("FakeApi drops the connection of %s", request);
                return;
            }
            if (!reply.delay().isZero()) {
                try {
                    Thread.sleep(reply.delay());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return; // server stopping
                }
            }
            for (Map.Entry<String, String> h : reply.headers()) {
                exchange.getResponseHeaders().add(h.getKey(), h.getValue());
            }
            byte[] body = reply.bodyBytes();
            int status = reply.statusCode();
            boolean noBody = body.length == 0 || status == 204 || status == 304 || status < 200
                    || request.method().equals("HEAD");
            exchange.sendResponseHeaders(status, noBody ? -1 : body.length);
            if (!noBody) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    private RecordedRequest record(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, List.copyOf(values)));
        String query = exchange.getRequestURI().getRawQuery();
        RecordedRequest request = new RecordedRequest(exchange.getRequestMethod().toUpperCase(Locale.ROOT),
                exchange.getRequestURI().getPath(), query == null ? "" : query,
                Collections.unmodifiableMap(headers), body);
        synchronized (requests) {
            requests.add(request);
            requests.notifyAll();
        }
        return request;
    }

    private Reply route(RecordedRequest request) throws Exception {
        Route[] snapshot = routes.toArray(new Route[0]);
        for (int i = snapshot.length - 1; i >= 0; i--) {
            Route route = snapshot[i];
            if (route.matches(request.method(), request.path())) {
                Reply reply = route.responder().respond(request);
                if (reply == null) {
                    throw new IllegalStateException("responder for " + route.method() + " " + route.path() + " returned null");
                }
                return reply;
            }
        }
        return Reply.json(404, errorJson("no route", request.method(), request.path()));
    }

    private static String errorJson(String error, String method, String path) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("error", error);
        node.put("method", method);
        node.put("path", path);
        return Json.write(node);
    }

    /** Decides {@link FakeApi}'s answer to one request. Called on the server's threads: keep it thread-safe. */
    @FunctionalInterface
    public interface Responder {

        Reply respond(RecordedRequest request) throws Exception;

        /** Always the same answer. */
        static Responder always(Reply reply) {
            return request -> reply;
        }

        /** One answer per call, in order; the last one repeats (e.g. 503, 503, 200). */
        static Responder sequence(Reply... replies) {
            if (replies.length == 0) {
                throw new IllegalArgumentException("a sequence needs at least one reply");
            }
            List<Reply> list = List.of(replies);
            AtomicInteger next = new AtomicInteger();
            int last = list.size() - 1;
            return request -> list.get(next.getAndUpdate(i -> Math.min(i + 1, last)));
        }
    }

    /** What {@link FakeApi} answers: status, headers, body, and an optional delay before answering. Immutable. */
    public static final class Reply {

        private final int status;
        private final List<Map.Entry<String, String>> headers;
        private final byte[] body;
        private final Duration delay;
        private final boolean dropConnection;

        private Reply(int status, List<Map.Entry<String, String>> headers, byte[] body, Duration delay) {
            this(status, headers, body, delay, false);
        }

        private Reply(int status, List<Map.Entry<String, String>> headers, byte[] body, Duration delay, boolean dropConnection) {
            if (status < 100 || status > 599) {
                throw new IllegalArgumentException("HTTP status must be 100..599, got " + status);
            }
            this.status = status;
            this.headers = List.copyOf(headers);
            this.body = body;
            this.delay = delay;
            this.dropConnection = dropConnection;
        }

        /** No answer: the connection is closed once the request is read (a crash, a reset on the way). */
        public static Reply dropConnection() {
            return new Reply(502, List.of(), new byte[0], Duration.ZERO, true);
        }

        public boolean dropsConnection() {
            return dropConnection;
        }

        /** A JSON answer ({@code Content-Type: application/json}). */
        public static Reply json(int status, String body) {
            return new Reply(status, List.of(Map.entry("Content-Type", "application/json")),
                    body.getBytes(StandardCharsets.UTF_8), Duration.ZERO);
        }

        /** A plain-text answer. */
        public static Reply text(int status, String body) {
            return new Reply(status, List.of(Map.entry("Content-Type", "text/plain; charset=utf-8")),
                    body.getBytes(StandardCharsets.UTF_8), Duration.ZERO);
        }

        /** An answer of exactly these bytes (e.g. a body that is not valid UTF-8), with this content type. */
        public static Reply bytes(int status, String contentType, byte[] body) {
            return new Reply(status, List.of(Map.entry("Content-Type", contentType)), body.clone(), Duration.ZERO);
        }

        /** An answer without a body. */
        public static Reply status(int status) {
            return new Reply(status, List.of(), new byte[0], Duration.ZERO);
        }

        /** {@code reply}, sent after {@code millis} milliseconds. */
        public static Reply delayMillis(long millis, Reply reply) {
            return reply.delay(Duration.ofMillis(millis));
        }

        /** Adds a header (a repeated name adds another value). */
        public Reply header(String name, String value) {
            List<Map.Entry<String, String>> more = new ArrayList<>(headers);
            more.add(Map.entry(Objects.requireNonNull(name), Objects.requireNonNull(value)));
            return new Reply(status, more, body, delay, dropConnection);
        }

        /** Waits this long before answering (for timeouts and slow APIs). */
        public Reply delay(Duration delay) {
            if (delay.isNegative()) {
                throw new IllegalArgumentException("delay must not be negative");
            }
            return new Reply(status, headers, body, delay, dropConnection);
        }

        public int statusCode() {
            return status;
        }

        public List<Map.Entry<String, String>> headers() {
            return headers;
        }

        public byte[] body() {
            return body.clone();
        }

        byte[] bodyBytes() {
            return body;
        }

        public Duration delay() {
            return delay;
        }

        @Override
        public String toString() {
            if (dropConnection) {
                return "Reply[connection dropped]";
            }
            return "Reply[" + status + ", " + body.length + " bytes" + (delay.isZero() ? "" : ", after " + delay) + "]";
        }
    }

    /**
     * One request {@link FakeApi} received.
     *
     * @param method  upper-case HTTP method
     * @param path    the decoded path, e.g. {@code /v1/orders/7}
     * @param query   the raw query string without {@code ?}, empty when there is none
     * @param headers every header; the map looks names up case-insensitively
     * @param body    the raw body bytes (empty when none)
     */
    public record RecordedRequest(String method, String path, String query, Map<String, List<String>> headers, byte[] body) {

        /** The first value of a header (case-insensitive name), or null. */
        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.getFirst();
        }

        /** All values of a header (case-insensitive name). */
        public List<String> headerValues(String name) {
            List<String> values = headers.get(name);
            return values == null ? List.of() : values;
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The first value of a query parameter, decoded. */
        public Optional<String> queryParam(String name) {
            if (query == null || query.isEmpty()) {
                return Optional.empty();
            }
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                if (key.equals(name)) {
                    return Optional.of(eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
            return Optional.empty();
        }

        @Override
        public String toString() {
            // The body is left out on purpose: it may carry credentials in tests of auth flows.
            return method + " " + path + (query == null || query.isEmpty() ? "" : "?" + query) + " (" + body.length + " bytes)";
        }
    }
}
