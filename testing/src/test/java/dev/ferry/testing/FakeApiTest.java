package dev.ferry.testing;

import dev.ferry.testing.FakeApi.RecordedRequest;
import dev.ferry.testing.FakeApi.Reply;
import dev.ferry.testing.FakeApi.Responder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FakeApiTest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private FakeApi api;

    @BeforeEach
    void start() {
        api = FakeApi.start();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api.baseUrl() + path)).timeout(Duration.ofSeconds(5))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void listensOnLoopback() {
        assertThat(api.baseUrl()).matches("http://127\\.0\\.0\\.1:\\d+");
    }

    @Test
    void routesExactAndPrefixPathsAndRecordsRequests() throws Exception {
        api.on("GET", "/v1/orders", req -> Reply.json(200, "{\"items\":[]}").header("X-Next", "none"))
                .on("POST", "/v1/orders/*", req -> Reply.json(201, "{\"id\":\"" + req.path().substring(11) + "\"}"));

        HttpResponse<String> list = send("GET", "/v1/orders?since=2026-01-01&page=2", null, "Authorization", "Bearer fake");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).isEqualTo("{\"items\":[]}");
        assertThat(list.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(list.headers().firstValue("x-next")).hasValue("none");

        HttpResponse<String> created = send("POST", "/v1/orders/42", "{\"total\":3}", "Idempotency-Key", "k-42",
                "Content-Type", "application/json");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.body()).isEqualTo("{\"id\":\"42\"}");

        assertThat(api.requests()).hasSize(2);
        RecordedRequest get = api.requests().getFirst();
        assertThat(get.method()).isEqualTo("GET");
        assertThat(get.path()).isEqualTo("/v1/orders");
        assertThat(get.query()).isEqualTo("since=2026-01-01&page=2");
        assertThat(get.queryParam("page")).hasValue("2");
        assertThat(get.header("authorization")).isEqualTo("Bearer fake");
        assertThat(get.body()).isEmpty();

        RecordedRequest post = api.requests("POST", "/v1/orders/").getFirst();
        assertThat(post.header("IDEMPOTENCY-KEY")).isEqualTo("k-42");
        assertThat(post.bodyText()).isEqualTo("{\"total\":3}");
        assertThat(post.query()).isEmpty();
        assertThat(api.requests("GET", "/v1")).hasSize(1);
        assertThat(api.requests("*", "/v1")).hasSize(2);
    }

    @Test
    void aDroppedConnectionGivesTheClientNoAnswerAtAllButTheRequestIsRecorded() {
        api.on("PUT", "/flaky", Reply.dropConnection());
        assertThatThrownBy(() -> send("PUT", "/flaky", "{}")).isInstanceOf(IOException.class);
        assertThat(api.requests("PUT", "/flaky")).hasSize(1);
    }

    @Test
    void laterRegistrationsWin() throws Exception {
        api.on("GET", "/a/*", Reply.status(500));
        api.on("GET", "/a/b", Reply.status(204));
        assertThat(send("GET", "/a/b", null).statusCode()).isEqualTo(204);
        assertThat(send("GET", "/a/c", null).statusCode()).isEqualTo(500);
        api.on("GET", "/a/*", Reply.status(202));
        assertThat(send("GET", "/a/b", null).statusCode()).isEqualTo(202);
    }

    @Test
    void sequencesRepeatTheirLastReply() throws Exception {
        api.on("POST", "/deliver", Responder.sequence(
                Reply.json(429, "{\"error\":\"slow down\"}").header("Retry-After", "1"),
                Reply.status(503),
                Reply.json(200, "{\"ok\":true}")));
        assertThat(send("POST", "/deliver", "{}").headers().firstValue("Retry-After")).hasValue("1");
        assertThat(send("POST", "/deliver", "{}").statusCode()).isEqualTo(503);
        assertThat(send("POST", "/deliver", "{}").statusCode()).isEqualTo(200);
        assertThat(send("POST", "/deliver", "{}").statusCode()).isEqualTo(200);
    }

    @Test
    void unmatchedRequestsGet404WithAReason() throws Exception {
        api.on("GET", "/known", Reply.status(200));
        HttpResponse<String> response = send("DELETE", "/known", null);
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("\"error\":\"no route\"").contains("\"method\":\"DELETE\"").contains("\"path\":\"/known\"");
        assertThat(api.requests()).hasSize(1);
    }

    @Test
    void delayedRepliesAreSlowAndAwaitRequestsWaits() throws Exception {
        api.on("GET", "/slow", Reply.json(200, "{}").delay(Duration.ofMillis(1500)));
        HttpRequest request = HttpRequest.newBuilder(URI.create(api.baseUrl() + "/slow")).timeout(Duration.ofMillis(300)).build();
        assertThatThrownBy(() -> http.send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(HttpTimeoutException.class);

        api.on("GET", "/later", Reply.delayMillis(200, Reply.status(200)));
        long start = System.nanoTime();
        CompletableFuture<HttpResponse<String>> pending = CompletableFuture.supplyAsync(() -> {
            try {
                Thread.sleep(100);
                return send("GET", "/later", null);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        assertThat(api.awaitRequests("GET", "/later", 1, Duration.ofSeconds(5))).isTrue();
        assertThat(pending.get().statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(api.awaitRequests("GET", "/later", 2, Duration.ofMillis(200))).isFalse();
    }

    @Test
    void aResponderThatThrowsGives500() throws Exception {
        api.on("GET", "/broken", req -> {
            throw new IllegalStateException("expected by the test");
        });
        assertThat(send("GET", "/broken", null).statusCode()).isEqualTo(500);
    }

    @Test
    void resetForgetsRoutesAndRequests() throws Exception {
        api.on("GET", "/x", Reply.status(200));
        send("GET", "/x", null);
        api.reset();
        assertThat(api.requests()).isEmpty();
        assertThat(send("GET", "/x", null).statusCode()).isEqualTo(404);
    }

    @Test
    void closeStopsTheServer() throws Exception {
        String url = api.baseUrl();
        api.close();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/")).timeout(Duration.ofSeconds(2)).build();
        assertThatThrownBy(() -> HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOfAny(ConnectException.class, IOException.class);
    }
}
