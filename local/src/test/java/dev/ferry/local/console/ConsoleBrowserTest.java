package dev.ferry.local.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.local.LocalFerry;
import dev.ferry.local.LocalHttpApi;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.secrets.WebhookSignature;
import dev.ferry.testing.AwsEmulators;
import dev.ferry.testing.FakeApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

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
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The console as a person uses it, all parts real: the four functions over ElasticMQ, DynamoDB Local and moto, wired as
 * {@code ferry dev} wires them (LocalFerry and its HTTP server), a billing API on loopback, and Debian's headless
 * Chromium. Signed webhooks go through the local endpoint; the spec (copied to a temp dir) maps a field the billing API
 * refuses, so that record dead-letters. In the browser: the counts move, the dead letter opens with its history (its
 * hostile text shown as text), the mapping is fixed in the file and reloaded, the replay is previewed, then run, and
 * the record is seen delivered, in the counts and on its trail; the billing API really got it. Without the browser it
 * fails, never skips. Leaves a screenshot at {@code local/target/console-page.png}.
 */
class ConsoleBrowserTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    static final String INTEGRATION = "sandbox-contacts";
    static final String WEBHOOK_KEY = "console-webhook-key-5b1e";
    static final String CRM_TOKEN = "console-crm-token-77a0";
    static final String BILLING_KEY = "console-billing-key-c3f9";
    /** The field the billing API refuses (it knows {@code memo}), and the hostile text the record carries in it. */
    static final String BAD_FIELD = "notes: { from: /notes }";
    static final String GOOD_FIELD = "memo: { from: /notes }";
    static final String HOSTILE = "<img src=x onerror=alert('xss')> call before 9 & after 5 </pre><script>alert(1)</script>";
    static final Duration WAIT = Duration.ofSeconds(45);

    static AwsEmulators aws;
    static FakeApi billing;
    static FakeApi crm;
    static LocalFerry ferry;
    static LocalHttpApi api;
    static ChromeDriver driver;
    static Path spec;
    static final Map<String, JsonNode> customers = new ConcurrentHashMap<>();
    static final AtomicBoolean failedOnce = new AtomicBoolean();

    @BeforeAll
    static void start() throws Exception {
        assertThat(CHROMIUM).as("headless Chromium is needed: apt-get install chromium chromium-driver").isExecutable();
        assertThat(CHROMEDRIVER).as("chromedriver is needed: apt-get install chromium-driver").isExecutable();
        aws = AwsEmulators.start();
        aws.putSecret("ferry/sandbox/webhook", "{\"key\":\"" + WEBHOOK_KEY + "\"}");
        aws.putSecret("ferry/sandbox/crm", "{\"token\":\"" + CRM_TOKEN + "\"}");
        aws.putSecret("ferry/sandbox/billing", "{\"apiKey\":\"" + BILLING_KEY + "\"}");
        crm = FakeApi.start();
        billing = FakeApi.start();
        billing.on("PUT", "/customers/*", request -> {
            if (!BILLING_KEY.equals(request.header("X-Api-Key"))) {
                return FakeApi.Reply.json(401, "{\"error\":\"bad api key\"}");
            }
            JsonNode body;
            try {
                body = Json.MAPPER.readTree(request.body());
            } catch (java.io.IOException e) {
                return FakeApi.Reply.json(400, "{\"error\":\"not JSON\"}");
            }
            if (body.has("notes")) {
                return FakeApi.Reply.json(422, "{\"error\":\"unknown field: notes\"}");
            }
            String id = request.path().substring("/customers/".length());
            if (id.equals("c-2003") && failedOnce.compareAndSet(false, true)) {
                return FakeApi.Reply.json(503, "{\"error\":\"busy, try again\"}"); // one retry, for the counts
            }
            customers.put(id, body);
            return FakeApi.Reply.json(200, "{\"ok\":true}");
        });

        // The sandbox spec and its APIs, copied: the test edits the spec file as a person would.
        Path dir = Files.createTempDirectory("ferry-console-specs");
        Files.createDirectories(dir.resolve("integrations"));
        Files.createDirectories(dir.resolve("apis"));
        for (String api : List.of("sandbox-crm.yaml", "sandbox-billing.yaml")) {
            Files.copy(REPO.resolve("sandbox/apis").resolve(api), dir.resolve("apis").resolve(api));
        }
        spec = dir.resolve("integrations/sandbox-contacts.yaml");
        String yaml = Files.readString(REPO.resolve("sandbox/integrations/sandbox-contacts.yaml"));
        assertThat(yaml).contains("  plan: { from: /plan }\n");
        Files.writeString(spec, yaml.replace("  plan: { from: /plan }\n", "  plan: { from: /plan }\n  " + BAD_FIELD + "\n"));

        Map<String, String> settings = new HashMap<>();
        settings.put("sandbox.crm.url", crm.baseUrl());
        settings.put("sandbox.billing.url", billing.baseUrl());
        settings.put(FerryConfig.INTEGRATIONS_DIR, dir.resolve("integrations").toString());
        settings.put(FerryConfig.RETRY_BASE_DELAY, "0");
        settings.put(FerryConfig.METRICS_ENABLED, "false"); // as ferry dev runs: the counts come from the metrics all the same
        ferry = new LocalFerry(aws, settings).startPollers();
        api = new LocalHttpApi(ferry, 0);

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toString());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1400,1500",
                "--user-data-dir=" + Files.createTempDirectory("ferry-console-chromium"));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        driver = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build(), options);
    }

    @AfterAll
    static void stop() {
        if (driver != null) driver.quit();
        if (api != null) api.close();
        if (ferry != null) ferry.close();
        if (billing != null) billing.close();
        if (crm != null) crm.close();
        if (aws != null) aws.close();
    }

    static String base() {
        return "http://127.0.0.1:" + api.port();
    }

    /** A signed webhook through ferry dev's HTTP endpoint, carrying its own trace; answers the trace id Ferry kept. */
    static String webhook(String id, String notes) throws Exception {
        String body = "{\"id\":\"" + id + "\",\"name\":\"Ada\",\"email\":\"" + id + "@example.com\",\"plan\":\"pro\","
                + "\"updated_at\":\"2026-11-20T10:00:00Z\"" + (notes == null ? "" : ",\"notes\":" + Json.write(Json.MAPPER.valueToTree(notes))) + "}";
        String trace = UUID.randomUUID().toString().replace("-", "");
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base() + "/webhooks/" + INTEGRATION))
                .header("Content-Type", "application/json").header("X-Sandbox-Delivery", UUID.randomUUID().toString())
                .header("X-Sandbox-Signature", "sha256=" + WebhookSignature.hexHmacSha256(WEBHOOK_KEY, body.getBytes(StandardCharsets.UTF_8)))
                .header("traceparent", "00-" + trace + "-00f067aa0ba902b7-01")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        assertThat(Json.MAPPER.readTree(answer.body()).get("traceId").asText()).isEqualTo(trace);
        return trace;
    }

    static String count(String step, String column) {
        List<WebElement> cells = driver.findElements(By.cssSelector("#counts tr[data-integration='" + INTEGRATION + "'][data-step='" + step
                + "'] td[data-count='" + column + "']"));
        return cells.isEmpty() ? "" : cells.getFirst().getText();
    }

    /** Waits for the page to show it (the script refreshes every 1.5 s); rows replaced meanwhile are looked up again. */
    static void until(String what, Supplier<Boolean> condition) {
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            try {
                if (condition.get()) {
                    return;
                }
            } catch (StaleElementReferenceException e) {
                // the script replaced the rows between finding and reading: look again
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        fail("the console never showed " + what + "; counts table: "
                + driver.findElement(By.id("counts")).getText() + "\ndead letters: " + driver.findElement(By.id("dead-letters-section")).getText());
    }

    static WebElement byId(String id) {
        return driver.findElement(By.id(id));
    }

    static List<String> trailOutcomes() {
        return driver.findElements(By.cssSelector("#trail tbody tr")).stream().map(tr -> tr.getDomAttribute("data-outcome")).toList();
    }

    @Test
    void countsMoveADeadLetterOpensWithItsHistoryAndAfterAMappingFixItsReplayIsDelivered() throws Exception {
        driver.get(base() + "/console");
        assertThat(driver.getTitle()).isEqualTo("Ferry console");
        until("an empty console", () -> byId("status").getText().equals("live") && byId("counts-empty").isDisplayed());

        // Two good contacts (one the billing API refuses once with a 503) and one whose notes field it refuses.
        webhook("c-2001", null);
        String badTrace = webhook("c-2002", HOSTILE);
        webhook("c-2003", null);

        until("three webhooks, two delivered, one retried, one dead-lettered", () -> count("webhook", "in").equals("3")
                && count("transform", "forwarded").equals("3") && count("deliver", "delivered").equals("2")
                && count("deliver", "retried").equals("1") && count("deliver", "deadLettered").equals("1"));
        assertThat(customers).containsOnlyKeys("c-2001", "c-2003");

        // The dead letter, opened: its whole history, its record as received, the hostile text as text.
        until("the dead letter", () -> byId("dead-letter-count").getText().equals("1")
                && !driver.findElements(By.cssSelector("#dead-letters tr[data-record='c-2002'] button.open")).isEmpty());
        WebElement row = driver.findElement(By.cssSelector("#dead-letters tr[data-record='c-2002']"));
        assertThat(row.getDomAttribute("data-trace")).isEqualTo(badTrace);
        assertThat(row.getText()).contains("deliver-dlq").contains("permanent at deliver (422)");
        row.findElement(By.cssSelector("button.open")).click();
        until("the dead letter's panel", () -> byId("letter").isDisplayed() && byId("letter-record").getText().equals("c-2002"));
        assertThat(byId("letter-trace").getText()).isEqualTo(badTrace);
        List<WebElement> history = driver.findElements(By.cssSelector("#history tbody tr"));
        assertThat(history).hasSize(1);
        assertThat(history.getFirst().getText()).contains("deliver").contains("permanent").contains("422").contains("unknown field: notes");
        assertThat(byId("letter-received").getText()).contains("\"notes\"").contains(HOSTILE);
        assertThat(byId("letter-mapped").getText()).contains("\"notes\"");
        assertThat(driver.findElements(By.cssSelector("#letter img, #letter script, main img"))).as("hostile markup stays text").isEmpty();
        assertNoAlert();

        // The mapping fixed in the spec file, and reloaded.
        Files.writeString(spec, Files.readString(spec).replace(BAD_FIELD, GOOD_FIELD));
        assertThat(ferry.reloadSpecs()).containsExactly(INTEGRATION);

        // Dry run first: what would be replayed, to which queue, and the record as the fixed mapping makes it.
        byId("preview-replay").click();
        until("the replay preview", () -> byId("preview").isDisplayed() && !byId("preview-mapping").getText().isEmpty());
        assertThat(byId("preview-summary").getText()).contains("c-2002").contains("from deliver-dlq to transform");
        assertThat(byId("preview-mapping").getText()).contains("\"memo\"").contains(HOSTILE).doesNotContain("\"notes\"");
        assertThat(byId("preview-error").isDisplayed()).isFalse();
        Thread.sleep(2000); // a refresh or two: the dry run left the dead letter where it was
        assertThat(byId("dead-letter-count").getText()).isEqualTo("1");
        assertThat(customers).doesNotContainKey("c-2002");

        byId("replay").click();
        until("the replay's result", () -> byId("replay-result").getText().startsWith("Replayed 1 dead letter(s) of record c-2002"));
        until("the record delivered on its trail", () -> trailOutcomes().contains("delivered"));
        assertThat(byId("trail-trace").getDomProperty("value")).isEqualTo(badTrace);
        assertThat(trailOutcomes()).containsExactly("accepted", "forwarded", "dead-lettered", "replayed", "forwarded", "delivered");
        List<WebElement> trail = driver.findElements(By.cssSelector("#trail tbody tr"));
        assertThat(trail.get(2).getText()).contains("deliver").contains("422");
        assertThat(trail.getLast().getText()).contains("deliver").contains("PUT " + billing.baseUrl() + "/customers/c-2002 answered 200");
        until("three delivered and no dead letter", () -> count("deliver", "delivered").equals("3")
                && byId("dead-letter-count").getText().equals("0"));
        until("the open panel saying its letter left the queue", () -> byId("letter-gone").isDisplayed());
        assertThat(count("deliver", "deadLettered")).isEqualTo("1"); // counts are since start: the one that died stays counted

        // The billing API really got it, mapped by the fixed spec.
        assertThat(customers.get("c-2002").get("memo").asText()).isEqualTo(HOSTILE);
        assertThat(customers.get("c-2002").has("notes")).isFalse();

        // A trace typed in shows the same trail; secrets are nowhere on the page.
        WebElement box = byId("trail-trace");
        box.clear();
        box.sendKeys(badTrace);
        byId("trail-show").click();
        until("the typed trace's trail", () -> trailOutcomes().size() == 6);
        assertNoAlert();
        String source = driver.getPageSource();
        for (String secret : Set.of(WEBHOOK_KEY, CRM_TOKEN, BILLING_KEY)) {
            assertThat(source).doesNotContain(secret);
        }
        List<String> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).map(LogEntry::getMessage).toList();
        assertThat(errors).as("browser console (CSP violations, script errors)").isEmpty();

        ((org.openqa.selenium.JavascriptExecutor) driver).executeScript("window.scrollTo(0, 0)");
        Path shot = Path.of("target/console-page.png").toAbsolutePath();
        Files.write(shot, driver.getScreenshotAs(OutputType.BYTES));
        assertThat(Files.size(shot)).isGreaterThan(10_000);
    }

    static void assertNoAlert() {
        try {
            String text = driver.switchTo().alert().getText();
            fail("the page ran hostile markup: an alert says " + text);
        } catch (NoAlertPresentException expected) {
            // nothing ran
        } catch (WebDriverException other) {
            throw other;
        }
    }
}
