package dev.ferry.local;

import dev.ferry.shared.config.FerryConfig;
import dev.ferry.testing.AwsEmulators;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ferry dev} serves the catalog page at {@code GET /catalog}, built from the specs it loaded (shipped and sandbox). */
class DevCatalogPageTest {

    @Test
    void servesTheCatalogOfTheLoadedSpecs() throws Exception {
        try (AwsEmulators aws = AwsEmulators.start(); SandboxApis sandbox = new SandboxApis(aws)) {
            Map<String, String> settings = new HashMap<>(sandbox.settings());
            settings.put(FerryConfig.INTEGRATIONS_DIR, WebhookEvents.REPO.resolve("integrations") + "," + WebhookEvents.REPO.resolve("sandbox/integrations"));
            try (LocalFerry ferry = new LocalFerry(aws, settings); LocalHttpApi api = new LocalHttpApi(ferry, 0)) {
                HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port()
                        + "/catalog")).GET().build(), HttpResponse.BodyHandlers.ofString());
                assertThat(page.statusCode()).isEqualTo(200);
                assertThat(page.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
                assertThat(ferry.runtime().integrations().all()).hasSizeGreaterThan(1);
                assertThat(ferry.runtime().apis().names()).isNotEmpty();
                ferry.runtime().integrations().all().forEach(s -> assertThat(page.body()).contains("data-id=\"integration:" + s.name() + "\""));
                ferry.runtime().apis().names().forEach(a -> assertThat(page.body()).contains("data-id=\"api:" + a + "\""));
                assertThat(page.body()).contains("integration:sandbox-contacts");
            }
        }
    }
}
