package dev.ferry.local.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ferry catalog} as a person runs it: the three files, the impact answer in text and JSON, and its exit codes. */
class CatalogCommandTest {

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(new CatalogCommand()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void writesTheThreeFiles(@TempDir Path out) {
        Run run = run("--repo", Specs.REPO.toString(), "--out", out.toString());
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(out.resolve("catalog.json")).isNotEmptyFile();
        assertThat(out.resolve("index.html")).isNotEmptyFile();
        assertThat(out.resolve("catalog-info.yaml")).isNotEmptyFile();
        assertThat(run.out()).contains("wrote ").contains(Specs.shipped().all().size() + " integrations");
    }

    @Test
    void thePageNeedsNoNetwork(@TempDir Path out) throws Exception {
        assertThat(run("--repo", Specs.REPO.toString(), "--out", out.toString()).code()).isZero();
        String html = Files.readString(out.resolve("index.html"));
        // Nothing is loaded from elsewhere: no external scripts, styles, images or fonts.
        assertThat(html).doesNotContainPattern("<script[^>]+src=").doesNotContainPattern("<link[^>]+href=")
                .doesNotContainPattern("<img").doesNotContain("@import").doesNotContain("url(");
        assertThat(html).contains("<svg id=\"graph\"");
    }

    @Test
    void impactOfAnApiInTextAndJson() throws Exception {
        Run text = run("--repo", Specs.REPO.toString(), "--impact", "billing");
        assertThat(text.code()).as(text.err()).isZero();
        Set<String> users = Specs.usersOf(Specs.shipped(), "billing");
        assertThat(text.out()).contains("Impact of api billing").contains("Integrations (" + users.size() + ")");
        assertThat(users).isNotEmpty();
        users.forEach(u -> assertThat(text.out()).contains(u));

        Run json = run("--repo", Specs.REPO.toString(), "--impact", "billing", "--json");
        assertThat(json.code()).isZero();
        JsonNode answer = new ObjectMapper().readTree(json.out());
        Set<String> listed = new TreeSet<>();
        answer.path("integrations").forEach(i -> listed.add(i.path("integration").asText()));
        assertThat(listed).isEqualTo(users);
        assertThat(answer.path("kind").asText()).isEqualTo("api");
    }

    @Test
    void impactOfASecret() throws Exception {
        Run json = run("--repo", Specs.REPO.toString(), "--impact", "ferry/crm/api", "--json");
        assertThat(json.code()).isZero();
        JsonNode answer = new ObjectMapper().readTree(json.out());
        assertThat(answer.path("kind").asText()).isEqualTo("secret");
        Set<String> listed = new TreeSet<>();
        answer.path("integrations").forEach(i -> listed.add(i.path("integration").asText()));
        assertThat(listed).isEqualTo(Specs.dependentsOfSecret(Specs.shipped(), "ferry/crm/api"));
    }

    @Test
    void exitCodesSayWhatWentWrong(@TempDir Path empty) throws Exception {
        Run unknown = run("--repo", Specs.REPO.toString(), "--impact", "nope");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("no API or secret named 'nope'").contains("billing");

        Run usage = run("--no-such-option");
        assertThat(usage.code()).isEqualTo(2);
        assertThat(usage.err()).contains("Unknown option");

        // An invalid spec: file:line: path: problem, exit 1, no stack trace.
        Files.createDirectories(empty.resolve("integrations"));
        Files.writeString(empty.resolve("integrations/bad.yaml"), "name: bad\nowner: x\nsource: { recordId: 5, nope: 1 }\n");
        Run bad = run("--repo", empty.toString(), "--out", empty.resolve("out").toString());
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).contains("bad.yaml").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(empty.resolve("out")).doesNotExist();
    }

    @Test
    void jsonWithoutImpactPrintsTheCatalog() throws Exception {
        Run json = run("--repo", Specs.REPO.toString(), "--json");
        assertThat(json.code()).isZero();
        assertThat(new ObjectMapper().readTree(json.out()).path("integrations").size()).isEqualTo(Specs.shipped().all().size());
    }
}
