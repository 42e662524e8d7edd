package dev.ferry.local.dev;

import dev.ferry.testing.Await;
import dev.ferry.testing.FakeApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ferry dev} as a person starts it, in its own JVM, from a repository with their own integration: the credentials
 * in {@code .ferry/secrets.json} are in its Secrets Manager at start (the integration's bearer token reaches the API,
 * whose URL comes from {@code .ferry/settings.properties}), it prints a signed curl for the integration that, run as it
 * is, is accepted and delivered, a spec broken at start is reported while everything else starts, and a fix is picked up
 * without a restart. No secret appears in anything it prints.
 */
class FerryDevProcessTest {

    static final String TOKEN = "own-shop-token-5f3a";
    static final String HOOK_KEY = "own-shop-hook-key-9c1d";

    @TempDir
    Path root;

    Process dev;
    FakeApi shop;
    final StringBuffer out = new StringBuffer();
    final StringBuffer err = new StringBuffer();

    @AfterEach
    void stop() throws InterruptedException {
        if (dev != null && dev.isAlive()) {
            dev.destroy(); // SIGTERM: ferry dev's shutdown hook stops the emulators, moto included
            if (!dev.waitFor(30, TimeUnit.SECONDS)) {
                dev.destroyForcibly();
            }
        }
        if (shop != null) {
            shop.close();
        }
    }

    static final String SHOP_ORDERS = """
            name: shop-orders
            owner: me
            source: { recordId: /id, version: /updated_at }
            webhook:
              mode: full
              deliveryIdHeader: X-Shop-Delivery
              signature: { header: X-Shop-Signature, prefix: "sha256=", secret: ferry/shop/webhook, field: key }
            mapping:
              order_id: { from: /id, required: true }
              total: { from: /total }
            destination: { api: shop, method: PUT, url: "/orders/{recordId}" }
            examples:
              - name: an order
                input: { id: o-77, total: 12.50, updated_at: "2026-11-20T10:00:00Z" }
                output: { order_id: o-77, total: 12.50 }
            """;

    void write(String file, String text) throws IOException {
        Path path = root.resolve(file);
        Files.createDirectories(path.getParent());
        Files.writeString(path, text);
    }

    void copySandbox() throws IOException {
        Path repo = Path.of("..").toAbsolutePath().normalize();
        for (String dir : List.of("sandbox/integrations", "sandbox/apis")) {
            Files.createDirectories(root.resolve(dir));
            try (Stream<Path> files = Files.list(repo.resolve(dir))) {
                for (Path f : files.toList()) {
                    Files.copy(f, root.resolve(dir).resolve(f.getFileName()));
                }
            }
        }
    }

    static void pump(java.io.InputStream in, StringBuffer into) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    into.append(line).append('\n');
                }
            } catch (IOException e) {
                into.append("(stream closed: ").append(e.getMessage()).append(")\n");
            }
        }, "ferry-dev-output");
        t.setDaemon(true);
        t.start();
    }

    @Test
    void ownSecretsSettingsAndASignedCurlWorkFromTheFirstStartAndABrokenSpecDoesNotStopIt() throws Exception {
        shop = FakeApi.start();
        shop.on("PUT", "/orders/*", FakeApi.Reply.json(200, "{\"ok\":true}"));
        write("apis/shop.yaml", """
                name: shop
                baseUrl: "${shop.api.url:https://shop.example.com}"
                auth: { type: bearer, secret: ferry/shop/api, field: token, rotation: "by hand" }
                """);
        write("integrations/shop-orders.yaml", SHOP_ORDERS);
        String broken = SHOP_ORDERS.replace("shop-orders", "half-done").replace("total: { from: /total }", "total: { from: total }");
        write("integrations/half-done.yaml", broken);
        copySandbox();
        write(".ferry/settings.properties", "shop.api.url=" + shop.baseUrl() + "\n");
        write(".ferry/secrets.json", "{\"ferry/shop/api\": {\"token\": \"" + TOKEN + "\"}, \"ferry/shop/webhook\": {\"key\": \"" + HOOK_KEY + "\"}}");

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        dev = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.ferry.local.cli.Ferry", "dev",
                "--port", "0", "--capture-port", "0").directory(root.toFile()).start();
        pump(dev.getInputStream(), out);
        pump(dev.getErrorStream(), err);

        assertThat(Await.until(Duration.ofSeconds(90), () -> out.toString().contains("Ctrl-C stops everything.") || !dev.isAlive()))
                .as("started: %s %s", out, err).isTrue();
        assertThat(dev.isAlive()).as("still running: %s %s", out, err).isTrue();
        String started = out.toString();
        assertThat(started).contains("ferry dev: loaded 2 local secret(s) from .ferry/secrets.json: ferry/shop/api, ferry/shop/webhook")
                .contains("ferry dev: 1 spec file(s) do not load; the others run:")
                .containsPattern("integrations/half-done\\.yaml:\\d+: mapping\\.total\\.from: ")
                .contains("half-done is not running until the file loads")
                .containsPattern("Capture destination: http://127\\.0\\.0\\.1:\\d+")
                .contains("# shop-orders\n")
                .contains("# sandbox-contacts");

        // the printed curl for my own integration, run as it is
        Matcher curl = Pattern.compile("(?s)# shop-orders\\n\\s*(curl .*?--data-binary '[^']*')").matcher(started);
        assertThat(curl.find()).as(started).isTrue();
        Process run = new ProcessBuilder("bash", "-c", curl.group(1) + " -o /dev/null -w '%{http_code}'").redirectErrorStream(true).start();
        String status = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(run.waitFor()).isZero();
        assertThat(status).isEqualTo("202");
        assertThat(shop.awaitRequests("PUT", "/orders/o-77", 1, Duration.ofSeconds(30))).as("%s %s", out, err).isTrue();
        FakeApi.RecordedRequest delivered = shop.requests("PUT", "/orders/o-77").getFirst();
        assertThat(delivered.header("Authorization")).as("the token from .ferry/secrets.json").isEqualTo("Bearer " + TOKEN);
        assertThat(delivered.bodyText()).isEqualTo("{\"order_id\":\"o-77\",\"total\":12.50}");

        // fixed while it runs: picked up without a restart
        write("integrations/half-done.yaml", SHOP_ORDERS.replace("shop-orders", "half-done"));
        assertThat(Await.until(Duration.ofSeconds(30), () -> out.toString().contains("specs reloaded: half-done changed; every spec loads")))
                .as("%s", out).isTrue();

        assertThat(out.toString() + err).doesNotContain(TOKEN).doesNotContain(HOOK_KEY);
    }
}
