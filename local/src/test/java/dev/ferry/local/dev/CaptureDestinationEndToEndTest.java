package dev.ferry.local.dev;

import dev.ferry.local.LocalFerry;
import dev.ferry.local.LocalHttpApi;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.secrets.WebhookSignature;
import dev.ferry.testing.Await;
import dev.ferry.testing.AwsEmulators;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The capture destination under the real pipeline: an integration whose destination API's base URL setting points at it
 * delivers there, and each request is printed as one DELIVERED line with the integration, method, path and body, without
 * the credential (header or query) and without a form body's values.
 */
class CaptureDestinationEndToEndTest {

    static final String TOKEN = "shop-token-never-printed";
    static final String QUERY_KEY = "query-key-never-printed";
    static final String HOOK_KEY = "capture-hook-key";

    @TempDir
    static Path root;

    static AwsEmulators aws;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        aws = AwsEmulators.start();
        aws.putSecret("ferry/shop/api", "{\"token\":\"" + TOKEN + "\"}");
        aws.putSecret("ferry/shop/webhook", "{\"key\":\"" + HOOK_KEY + "\"}");
        Files.createDirectories(root.resolve("apis"));
        Files.createDirectories(root.resolve("integrations"));
        Files.writeString(root.resolve("apis/shop.yaml"), """
                name: shop
                baseUrl: "${shop.api.url:https://shop.example.com}"
                auth: { type: bearer, secret: ferry/shop/api, field: token, rotation: "test only" }
                """);
        Files.writeString(root.resolve("integrations/shop-orders.yaml"), """
                name: shop-orders
                owner: test
                source: { recordId: /id, version: /updated_at }
                webhook:
                  mode: full
                  deliveryIdHeader: X-Shop-Delivery
                  signature: { header: X-Shop-Signature, prefix: "sha256=", secret: ferry/shop/webhook, field: key }
                mapping:
                  order_id: { from: /id, required: true }
                  note: { from: /note }
                destination: { api: shop, method: PUT, url: "/orders/{recordId}" }
                """);
    }

    @AfterAll
    static void stop() {
        if (aws != null) aws.close();
    }

    @Test
    void anIntegrationPointedAtTheCaptureDeliversThereAndEachRequestIsOneLine() throws Exception {
        List<String> printed = new CopyOnWriteArrayList<>();
        try (CaptureDestination capture = new CaptureDestination(0, printed::add)) {
            deliversThrough(capture, printed);
        }
    }

    void deliversThrough(CaptureDestination capture, List<String> printed) throws Exception {
        Map<String, String> settings = new HashMap<>();
        settings.put("shop.api.url", capture.url() + "/shop"); // what .ferry/settings.properties would say
        settings.put(FerryConfig.INTEGRATIONS_DIR, root.resolve("integrations").toString());
        settings.put(FerryConfig.METRICS_ENABLED, "false");
        settings.put(LocalFerry.KEEP_GOOD_SPECS, "true");
        String note = "x".repeat(400);
        String body = "{\"id\":\"o-1\",\"note\":\"" + note + "\",\"updated_at\":\"2026-11-20T10:00:00Z\"}";
        try (LocalFerry ferry = new LocalFerry(aws, settings).startPollers(); LocalHttpApi api = new LocalHttpApi(ferry, 0)) {
            assertThat(ferry.devSpecs().last().allProblems()).isEmpty();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/webhooks/shop-orders"))
                    .header("X-Shop-Delivery", "d-1")
                    .header("X-Shop-Signature", "sha256=" + WebhookSignature.hexHmacSha256(HOOK_KEY, body.getBytes(StandardCharsets.UTF_8)))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            assertThat(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(202);
            assertThat(Await.until(Duration.ofSeconds(30), () -> !capture.received().isEmpty())).as("delivered to the capture").isTrue();
        }
        CaptureDestination.Captured got = capture.received().getFirst();
        assertThat(got.integration()).isEqualTo("shop-orders");
        assertThat(got.method()).isEqualTo("PUT");
        assertThat(got.path()).isEqualTo("/shop/orders/o-1");
        assertThat(got.body()).startsWith("{\"order_id\":\"o-1\",\"note\":\"xxx").contains("… (").hasSizeLessThan(body.length());
        assertThat(printed).first().asString().startsWith("DELIVERED  shop-orders PUT /shop/orders/o-1 {\"order_id\":\"o-1\"");
        assertThat(printed).hasSize(1).noneMatch(l -> l.contains(TOKEN) || l.contains("Bearer"));
    }

    @Test
    void noQueryStringNoHeaderAndNoFormValueIsPrinted() throws Exception {
        List<String> printed = new CopyOnWriteArrayList<>();
        try (CaptureDestination capture = new CaptureDestination(0, printed::add)) {
            printsNoCredential(capture, printed);
        }
    }

    void printsNoCredential(CaptureDestination capture, List<String> printed) throws Exception {
        HttpRequest query = HttpRequest.newBuilder(URI.create(capture.url() + "/shop/ping?api_key=" + QUERY_KEY))
                .header("X-Api-Key", QUERY_KEY).POST(HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> answer = HTTP.send(query, HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("{}");
        HttpRequest form = HttpRequest.newBuilder(URI.create(capture.url() + "/oauth/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_secret=" + QUERY_KEY)).build();
        assertThat(HTTP.send(form, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

        assertThat(printed).containsExactly("DELIVERED  (no Idempotency-Key) POST /shop/ping (no body)",
                "DELIVERED  (no Idempotency-Key) POST /oauth/token form fields: grant_type, client_secret");
    }
}
