package dev.ferry.shared.http;

import dev.ferry.shared.envelope.StepFailure;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ferry.shared.envelope.FailureKind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class HttpCallerTest {

    static final String LONG_BODY = ("error   details\n\t" + "x".repeat(40) + " ").repeat(30);

    static HttpServer server;
    static ExecutorService executor;
    static String base;
    /** Holds the slow handler until the test is over; it never decides an assertion. */
    static final CountDownLatch RELEASE_SLOW = new CountDownLatch(1);

    final HttpCaller caller = new HttpCaller(Duration.ofSeconds(5));

    @BeforeAll
    static void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newCachedThreadPool();
        server.setExecutor(executor);
        server.createContext("/ok", ex -> reply(ex, 200, "hello ✓", Map.of("X-Answer", "42")));
        server.createContext("/created", ex -> reply(ex, 201, "", Map.of()));
        server.createContext("/echo", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            reply(ex, 200, ex.getRequestMethod() + " " + ex.getRequestURI() + " " + ex.getRequestHeaders().getFirst("X-Custom")
                    + " " + body, Map.of());
        });
        server.createContext("/fail500", ex -> reply(ex, 500, LONG_BODY, Map.of()));
        server.createContext("/throttled", ex -> reply(ex, 429, "slow down", Map.of("Retry-After", "7")));
        server.createContext("/throttled-no-header", ex -> reply(ex, 429, "slow down", Map.of()));
        server.createContext("/throttled-date", ex -> reply(ex, 429, "slow down",
                Map.of("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT")));
        server.createContext("/throttled-huge", ex -> reply(ex, 429, "", Map.of("Retry-After", "86400")));
        server.createContext("/unavailable-ra", ex -> reply(ex, 503, "maintenance", Map.of("Retry-After", "3")));
        server.createContext("/unavailable", ex -> reply(ex, 503, "down", Map.of()));
        server.createContext("/timeout408", ex -> reply(ex, 408, "", Map.of()));
        server.createContext("/missing", ex -> reply(ex, 404, "{\"error\":\"no such record\"}", Map.of()));
        server.createContext("/invalid", ex -> reply(ex, 422, "{\"error\":\"email is invalid\"}", Map.of()));
        server.createContext("/unauthorized", ex -> reply(ex, 401, "", Map.of()));
        server.createContext("/redirect", ex -> reply(ex, 302, "", Map.of("Location", "/ok")));
        server.createContext("/json/ok", ex -> reply(ex, 200, "{\"id\":\"7\",\"amount\":12.50}", Map.of()));
        server.createContext("/json/trailing", ex -> reply(ex, 200, "{\"id\":\"7\"} {\"id\":\"8\"}", Map.of()));
        server.createContext("/json/duplicate", ex -> reply(ex, 200, "{\"id\":\"7\",\"id\":\"8\"}", Map.of()));
        server.createContext("/json/overlong", ex -> replyBytes(ex, 200,
                new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'}));
        server.createContext("/json/html500", ex -> reply(ex, 500, "<html>upstream down</html>", Map.of()));
        server.createContext("/json/empty", ex -> reply(ex, 200, "", Map.of()));
        for (String odd : new String[] {"9223372036854775807", "-5", "1e400", "1.5", "soon", "Fri, 31 Dec 9999 23:59:59 GMT"}) {
            server.createContext("/throttled-odd/" + odd.hashCode(), ex -> reply(ex, 429, "", Map.of("Retry-After", odd)));
        }
        server.createContext("/slow", ex -> {
            try {
                RELEASE_SLOW.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            reply(ex, 200, "late", Map.of());
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterAll
    static void stop() {
        RELEASE_SLOW.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    static void reply(HttpExchange ex, int status, String body, Map<String, String> headers) throws IOException {
        ex.getRequestBody().readAllBytes();
        headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
        ex.close();
    }

    static void replyBytes(HttpExchange ex, int status, byte[] bytes) throws IOException {
        ex.getRequestBody().readAllBytes();
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
        ex.close();
    }

    StepFailure failure(String method, String url) {
        return failure(caller, method, url);
    }

    static StepFailure failure(HttpCaller caller, String method, String url) {
        StepFailure f = catchThrowableOfType(StepFailure.class, () -> caller.send(method, url, Map.of(), null));
        assertThat(f).as("expected a StepFailure from " + method + " " + url).isNotNull();
        return f;
    }

    @Test
    void twoHundredReturnsTheBody() {
        HttpCaller.Response response = caller.send("GET", base + "/ok", Map.of(), null);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello ✓");
        assertThat(response.headers()).containsKey("x-answer");
    }

    @Test
    void anyTwoHundredIsSuccess() {
        HttpCaller.Response response = caller.send("PUT", base + "/created", Map.of(), "{}".getBytes(StandardCharsets.UTF_8));

        assertThat(response.status()).isEqualTo(201);
        assertThat(response.body()).isEmpty();
    }

    @Test
    void sendsMethodHeadersAndBody() {
        Map<String, String> headers = new HashMap<>();
        headers.put("X-Custom", "yes");
        HttpCaller.Response response = caller.send("POST", base + "/echo?a=1", headers,
                "{\"id\":1}".getBytes(StandardCharsets.UTF_8));

        assertThat(response.body()).isEqualTo("POST /echo?a=1 yes {\"id\":1}");
    }

    @Test
    void serverErrorIsRetryableWithStatusAndATruncatedExcerpt() {
        StepFailure f = failure("GET", base + "/fail500");

        assertThat(f.kind()).isEqualTo(FailureKind.RETRYABLE);
        assertThat(f.httpStatus()).isEqualTo(500);
        assertThat(f.getMessage()).isEqualTo("GET " + base + "/fail500 answered 500");
        assertThat(f.retryAfterSeconds()).isNull();
        assertThat(LONG_BODY.length()).isGreaterThan(1000);
        assertThat(f.detail()).startsWith("error details " + "x".repeat(40) + " error details");
        assertThat(f.detail()).doesNotContain("\n").doesNotContain("\t").doesNotContain("  ");
        assertThat(f.detail().length()).isBetween(HttpCaller.EXCERPT_CHARS, HttpCaller.EXCERPT_CHARS + 1);
    }

    @Test
    void shortErrorBodyIsKeptWhole() {
        StepFailure f = failure("PUT", base + "/invalid");
        assertThat(f.detail()).isEqualTo("{\"error\":\"email is invalid\"}");
    }

    @Test
    void tooManyRequestsIsThrottledWithRetryAfter() {
        StepFailure f = failure("POST", base + "/throttled");

        assertThat(f.kind()).isEqualTo(FailureKind.THROTTLED);
        assertThat(f.httpStatus()).isEqualTo(429);
        assertThat(f.retryAfterSeconds()).isEqualTo(7);
    }

    @Test
    void tooManyRequestsWithoutRetryAfterIsStillThrottled() {
        StepFailure f = failure("POST", base + "/throttled-no-header");

        assertThat(f.kind()).isEqualTo(FailureKind.THROTTLED);
        assertThat(f.retryAfterSeconds()).isNull();
    }

    @Test
    void retryAfterIsCappedAtSqsMaximumDelay() {
        assertThat(failure("POST", base + "/throttled-huge").retryAfterSeconds()).isEqualTo(900);
    }

    @Test
    void retryAfterAsHttpDateIsStillThrottled() {
        StepFailure f = failure("POST", base + "/throttled-date");

        assertThat(f.kind()).isEqualTo(FailureKind.THROTTLED);
        assertThat(f.httpStatus()).isEqualTo(429);
    }

    @Test
    void unavailableWithRetryAfterIsThrottled() {
        StepFailure f = failure("GET", base + "/unavailable-ra");

        assertThat(f.kind()).isEqualTo(FailureKind.THROTTLED);
        assertThat(f.httpStatus()).isEqualTo(503);
        assertThat(f.retryAfterSeconds()).isEqualTo(3);
    }

    @Test
    void unavailableWithoutRetryAfterIsRetryable() {
        StepFailure f = failure("GET", base + "/unavailable");

        assertThat(f.kind()).isEqualTo(FailureKind.RETRYABLE);
        assertThat(f.httpStatus()).isEqualTo(503);
        assertThat(f.detail()).isEqualTo("down");
    }

    @Test
    void requestTimeoutStatusIsRetryable() {
        assertThat(failure("GET", base + "/timeout408").kind()).isEqualTo(FailureKind.RETRYABLE);
    }

    @Test
    void clientErrorsArePermanent() {
        StepFailure notFound = failure("GET", base + "/missing");
        StepFailure invalid = failure("PUT", base + "/invalid");
        StepFailure unauthorized = failure("PUT", base + "/unauthorized");

        assertThat(notFound.kind()).isEqualTo(FailureKind.PERMANENT);
        assertThat(notFound.httpStatus()).isEqualTo(404);
        assertThat(invalid.kind()).isEqualTo(FailureKind.PERMANENT);
        assertThat(invalid.httpStatus()).isEqualTo(422);
        assertThat(unauthorized.httpStatus()).isEqualTo(401);
        assertThat(unauthorized.detail()).isNull();
    }

    @Test
    void redirectsAreNotFollowed() {
        StepFailure f = failure("GET", base + "/redirect");

        assertThat(f.httpStatus()).isEqualTo(302);
        assertThat(f.kind()).isEqualTo(FailureKind.PERMANENT);
    }

    @Test
    void connectionRefusedIsRetryableAndHidesTheQuery() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        StepFailure f = failure("GET", "http://127.0.0.1:" + closedPort + "/records?api_key=secret123");

        assertThat(f.kind()).isEqualTo(FailureKind.RETRYABLE);
        assertThat(f.httpStatus()).isNull();
        assertThat(f.getMessage()).startsWith("GET http://127.0.0.1:" + closedPort + "/records?").contains("failed");
        assertThat(f.getMessage()).doesNotContain("secret123").doesNotContain("api_key");
    }

    @Test
    void aConnectionResetMidRequestIsRetryableAndHidesTheQuery() throws Exception {
        // A server that reads the request and then resets the TCP connection (SO_LINGER 0 sends RST on close).
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread resetter = Thread.ofVirtual().start(() -> {
                try (var socket = server.accept()) {
                    socket.setSoLinger(true, 0);
                    socket.getInputStream().read(new byte[8192]);
                } catch (IOException ignored) {
                    // the test's assertions tell
                }
            });
            StepFailure f = failure("PUT", "http://127.0.0.1:" + server.getLocalPort() + "/customers/1?api_key=secret123");
            resetter.join(5_000);

            assertThat(f.kind()).isEqualTo(FailureKind.RETRYABLE);
            assertThat(f.httpStatus()).isNull();
            assertThat(f.spendsAttempt()).isTrue();
            assertThat(f.getMessage()).startsWith("PUT http://127.0.0.1:" + server.getLocalPort() + "/customers/1?")
                    .contains("failed").contains("IOException");
            assertThat(f.getMessage()).doesNotContain("secret123").doesNotContain("api_key");
        }
    }

    @Test
    void slowServerTimesOutAsRetryable() {
        HttpCaller impatient = new HttpCaller(Duration.ofMillis(200));
        StepFailure f = failure(impatient, "GET", base + "/slow?token=secret123");

        assertThat(f.kind()).isEqualTo(FailureKind.RETRYABLE);
        assertThat(f.getMessage()).contains("timed out").contains("200 ms");
        assertThat(f.getMessage()).doesNotContain("secret123");
    }

    @Test
    void queryStringNeverAppearsInFailures() {
        for (String path : new String[] {"/fail500", "/throttled", "/missing", "/unavailable"}) {
            StepFailure f = failure("GET", base + path + "?api_key=secret123&x=1");

            assertThat(f.getMessage()).as(path).startsWith("GET " + base + path + "?").doesNotContain("secret123");
            assertThat(String.valueOf(f.detail())).as(path).doesNotContain("secret123");
        }
    }

    @Test
    void headerThatCannotBeSentFailsPermanentlyWithoutItsValue() {
        StepFailure f = catchThrowableOfType(StepFailure.class, () -> caller.send("POST", base + "/ok",
                Map.of("Authorization", "Bearer tok-secret-123\n"), new byte[0]));

        assertThat(f).isNotNull();
        assertThat(f.kind()).isEqualTo(FailureKind.PERMANENT);
        assertThat(f.getMessage()).doesNotContain("tok-secret-123");
    }

    @Test
    void malformedUrlFailsPermanentlyWithoutItsQuery() {
        StepFailure f = catchThrowableOfType(StepFailure.class, () -> caller.send("GET",
                base + "/a b?api_key=secret123", Map.of(), null));

        assertThat(f).isNotNull();
        assertThat(f.kind()).isEqualTo(FailureKind.PERMANENT);
        assertThat(f.getMessage()).doesNotContain("secret123");
    }

    @Test
    void redactQueryKeepsOnlyThePath() {
        assertThat(HttpCaller.redactQuery("https://a.example.com/x?key=s")).isEqualTo("https://a.example.com/x?…");
        assertThat(HttpCaller.redactQuery("https://a.example.com/x")).isEqualTo("https://a.example.com/x");
    }

    @Test
    void excerptFlattensWhitespaceAndTruncates() {
        assertThat(HttpCaller.excerpt(null)).isNull();
        assertThat(HttpCaller.excerpt("")).isNull();
        assertThat(HttpCaller.excerpt(" a \n\n b\t")).isEqualTo("a b");
        String longText = "y".repeat(1000);
        assertThat(HttpCaller.excerpt(longText)).isEqualTo("y".repeat(HttpCaller.EXCERPT_CHARS) + "…");
    }

    // --- strict JSON answers and odd Retry-After values ------------------------------------------------

    @Test
    void aTwoHundredIsReadAsOneStrictJsonDocument() {
        var body = caller.send("GET", base + "/json/ok", Map.of(), null).json("GET /json/ok");
        assertThat(body.get("amount").decimalValue()).isEqualByComparingTo("12.50");
        assertThat(body.get("amount").decimalValue().scale()).isEqualTo(2);
    }

    @Test
    void aTwoHundredThatIsNotOneStrictJsonDocumentIsPermanentWithAReason() {
        for (String[] bad : new String[][] {{"/json/trailing", "not valid JSON"}, {"/json/duplicate", "Duplicate field 'id'"},
                {"/json/overlong", "not valid UTF-8 at byte 6"}, {"/json/empty", "the body is empty"}}) {
            HttpCaller.Response response = caller.send("GET", base + bad[0], Map.of(), null);
            StepFailure f = catchThrowableOfType(StepFailure.class, () -> response.json("GET " + bad[0] + " (record 7)"));
            assertThat(f).as(bad[0]).isNotNull();
            assertThat(f.kind()).as(bad[0]).isEqualTo(FailureKind.PERMANENT);
            assertThat(f.httpStatus()).isEqualTo(200);
            assertThat(f.getMessage()).as(bad[0]).startsWith("GET " + bad[0] + " (record 7) answered 200 with a body that is not JSON (")
                    .contains(bad[1]);
        }
    }

    @Test
    void aServerErrorThatIsNotJsonStaysRetryable() {
        StepFailure f = failure("GET", base + "/json/html500");
        assertThat(f.kind()).isEqualTo(FailureKind.RETRYABLE);
        assertThat(f.detail()).isEqualTo("<html>upstream down</html>");
    }

    @Test
    void oddRetryAfterValuesNeverMakeANegativeOrOverlongWait() {
        Map<String, Integer> expected = new java.util.LinkedHashMap<>();
        expected.put("9223372036854775807", 900);
        expected.put("-5", null);
        expected.put("1e400", null);
        expected.put("1.5", 2);
        expected.put("soon", null);
        expected.put("Fri, 31 Dec 9999 23:59:59 GMT", 900);
        expected.forEach((odd, seconds) -> {
            StepFailure f = failure("GET", base + "/throttled-odd/" + odd.hashCode());
            assertThat(f.kind()).as(odd).isEqualTo(FailureKind.THROTTLED);
            assertThat(f.retryAfterSeconds()).as(odd).isEqualTo(seconds);
            assertThat(f.waitSeconds()).as(odd).isBetween(1, 900);
        });
    }
}
