package dev.ferry.local.catalog;

import dev.ferry.shared.spec.IntegrationRegistry;
import dev.ferry.shared.spec.IntegrationSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The catalog page in a real headless Chromium (Debian's chromium and chromium-driver), opened from a file as a person
 * would open it: no console errors, a node per integration and API, neighbours on click, the impact view for the billing
 * API and search, each checked against answers computed from the specs. Without the browser it fails, it never skips.
 * Leaves a screenshot at {@code local/target/catalog-page.png}.
 */
class CatalogPageBrowserTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    static IntegrationRegistry shipped;
    static ChromeDriver driver;
    static Path page;

    @BeforeAll
    static void openThePage() throws Exception {
        assertThat(CHROMIUM).as("headless Chromium is needed: apt-get install chromium chromium-driver").isExecutable();
        assertThat(CHROMEDRIVER).as("chromedriver is needed: apt-get install chromium-driver").isExecutable();
        shipped = Specs.shipped();
        Path out = Path.of("target/catalog-browser").toAbsolutePath();
        CatalogWriter.write(Specs.shippedCatalog(), out, "ferry-platform");
        page = out.resolve(CatalogWriter.HTML_FILE);

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toString());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1400,1100",
                "--user-data-dir=" + Files.createTempDirectory("ferry-catalog-chromium"));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.get(page.toUri().toString());
    }

    @AfterAll
    static void close() {
        if (driver != null) {
            driver.quit();
        }
    }

    @Test
    void loadsFromAFileWithoutConsoleErrorsAndShowsEveryIntegrationAndApi() throws Exception {
        Set<String> nodes = new TreeSet<>();
        driver.findElements(By.cssSelector("#graph g.node")).forEach(n -> nodes.add(n.getDomAttribute("data-id")));
        assertThat(shipped.all()).isNotEmpty();
        assertThat(shipped.apis().names()).isNotEmpty();
        shipped.all().forEach(s -> assertThat(nodes).contains(CatalogBuilder.integrationId(s.name())));
        shipped.apis().names().forEach(a -> assertThat(nodes).contains(CatalogBuilder.apiId(a)));

        Path shot = Path.of("target/catalog-page.png").toAbsolutePath();
        Files.write(shot, driver.getScreenshotAs(OutputType.BYTES));
        assertThat(Files.size(shot)).isPositive();

        // The log is read for real: a probe logged now must come back, and nothing else may be an error.
        driver.executeScript("console.error('ferry-catalog-probe')");
        List<LogEntry> entries = driver.manage().logs().get(LogType.BROWSER).getAll();
        assertThat(entries).anyMatch(e -> e.getMessage().contains("ferry-catalog-probe"));
        assertThat(entries.stream().filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue())
                .filter(e -> !e.getMessage().contains("ferry-catalog-probe")).map(LogEntry::getMessage).toList()).isEmpty();
    }

    @Test
    void clickingANodeShowsItsNeighbours() {
        driver.findElement(By.cssSelector("#graph g.node[data-id='api:billing']")).click();
        Set<String> expected = new TreeSet<>();
        Specs.usersOf(shipped, "billing").forEach(i -> expected.add(CatalogBuilder.integrationId(i)));
        String secret = shipped.apis().find("billing").orElseThrow().auth().secret();
        expected.add(CatalogBuilder.secretId(secret));
        Set<String> shown = new TreeSet<>();
        driver.findElements(By.cssSelector("#node-neighbours li")).forEach(li -> shown.add(li.getDomAttribute("data-id")));
        assertThat(shown).isEqualTo(expected);
        assertThat(driver.findElement(By.cssSelector("#graph g.node[data-id='api:billing']")).getDomAttribute("class")).contains("selected");
    }

    @Test
    void impactViewOfTheBillingApiListsExactlyTheIntegrationsThatUseIt() {
        // Chosen as a person does: the option clicked in the list fires the select's change event.
        driver.findElement(By.id("impact-target")).click();
        driver.findElement(By.cssSelector("#impact-target option[value='api:billing']")).click();
        Set<String> listed = new TreeSet<>();
        driver.findElements(By.cssSelector("#impact-integrations li[data-integration]")).forEach(li -> listed.add(li.getDomAttribute("data-integration")));
        assertThat(listed).isNotEmpty().isEqualTo(Specs.usersOf(shipped, "billing"));
        // The field looked up in billing is there.
        assertThat(driver.findElements(By.cssSelector("#impact-fields tbody tr")).stream().map(WebElement::getText))
                .anyMatch(t -> t.contains("account_manager_id") && t.contains("looked up in billing"));
    }

    @Test
    void searchFiltersTheTableByNameOwnerApiOrSecret() {
        for (String query : List.of("finance", "billing", "ferry/crm/webhook", "warehouse", "no-such-integration")) {
            WebElement search = driver.findElement(By.id("search"));
            search.clear();
            search.sendKeys(query);
            Set<String> visible = new TreeSet<>();
            driver.findElements(By.cssSelector("#integrations-table tbody tr")).stream().filter(WebElement::isDisplayed)
                    .forEach(tr -> visible.add(tr.getDomAttribute("data-name")));
            assertThat(visible).as(query).isEqualTo(matching(query));
        }
        driver.findElement(By.id("search")).clear();
        driver.findElement(By.id("search")).sendKeys(" ");
    }

    /** What the search should find, from the specs: integrations whose name, owner, APIs or secrets contain the text. */
    private static Set<String> matching(String query) {
        Set<String> out = new TreeSet<>();
        for (IntegrationSpec s : shipped.all()) {
            Set<String> words = new TreeSet<>(Specs.apisOf(s));
            words.add(s.name());
            if (s.owner() != null) words.add(s.owner());
            if (s.webhook() != null && s.webhook().signature() != null) words.add(s.webhook().signature().secret());
            for (String api : Specs.apisOf(s)) {
                var auth = shipped.apis().find(api).orElseThrow().auth();
                if (auth != null && auth.secret() != null) words.add(auth.secret());
            }
            if (words.stream().anyMatch(w -> w.toLowerCase(Locale.ROOT).contains(query))) out.add(s.name());
        }
        return out;
    }
}
