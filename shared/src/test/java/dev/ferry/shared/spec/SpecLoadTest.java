package dev.ferry.shared.spec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Loading that keeps the good files: each failing file is left out with its own problems, the others load. */
class SpecLoadTest {

    static final SpecLoader LOADER = ApiReferencesTest.LOADER;

    static Path write(Path dir, String file, String text) throws IOException {
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve(file), text);
    }

    @Test
    void aBrokenFileIsLeftOutWithItsProblemsAndTheOthersLoad(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("integrations");
        write(dir, "alpha.yaml", IntegrationRegistryTest.spec("alpha"));
        Path broken = write(dir, "beta.yaml", IntegrationRegistryTest.spec("beta").replace("method: POST", "method: GET"));
        Path syntax = write(dir, "gamma.yaml", "name: gamma\nmapping:\n  id: { from: /id\n");
        Path named = write(dir, "delta.yaml", IntegrationRegistryTest.spec("epsilon"));

        SpecLoad load = SpecLoad.load(LOADER, List.of(dir));

        assertThat(load.registry().all()).extracting(IntegrationSpec::name).containsExactly("alpha");
        assertThat(load.clean()).isFalse();
        assertThat(load.problems()).containsOnlyKeys(broken.toString(), syntax.toString(), named.toString());
        assertThat(load.problems().get(broken.toString())).singleElement().asString()
                .matches(java.util.regex.Pattern.quote(broken.toString()) + ":\\d+: destination\\.method: must be one of \\[POST, PUT], got 'GET'");
        assertThat(load.problems().get(syntax.toString())).singleElement().asString()
                .matches(java.util.regex.Pattern.quote(syntax.toString()) + ":\\d+:\\d+: not valid YAML: .*");
        assertThat(load.problems().get(named.toString())).singleElement().asString()
                .startsWith(named + ":1: name: 'epsilon' must match the file name 'delta'");
        assertThat(load.allProblems()).hasSize(3);
        assertThat(load.kept()).isEmpty();
        // the strict load of the same files stops, as a function's start does
        assertThatThrownBy(() -> IntegrationRegistry.load(LOADER, List.of(dir))).isInstanceOf(SpecException.class);
    }

    @Test
    void theLastGoodVersionOfABrokenFileIsKeptAndADeletedOneGoes(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("integrations");
        write(dir, "alpha.yaml", IntegrationRegistryTest.spec("alpha"));
        Path beta = write(dir, "beta.yaml", IntegrationRegistryTest.spec("beta"));
        Path gamma = write(dir, "gamma.yaml", IntegrationRegistryTest.spec("gamma"));
        SpecLoad first = SpecLoad.load(LOADER, List.of(dir));
        assertThat(first.clean()).as(first.allProblems().toString()).isTrue();
        IntegrationSpec betaBefore = first.registry().require("beta");

        Files.writeString(beta, IntegrationRegistryTest.spec("beta") + "colour: blue\n");
        Files.delete(gamma);
        SpecLoad next = SpecLoad.load(LOADER, List.of(dir)).keepingLastGood(first.registry());

        assertThat(next.registry().all()).extracting(IntegrationSpec::name).containsExactly("alpha", "beta");
        assertThat(next.registry().require("beta")).isSameAs(betaBefore);
        assertThat(next.kept()).containsExactly("beta");
        assertThat(next.problems().get(beta.toString())).singleElement().asString().startsWith(beta + ":").contains("colour");
        // a file that never loaded has nothing to keep
        Path fresh = write(dir, "zeta.yaml", "name: zeta\n");
        SpecLoad third = SpecLoad.load(LOADER, List.of(dir)).keepingLastGood(next.registry());
        assertThat(third.registry().find("zeta")).isEmpty();
        assertThat(third.problems()).containsKey(fresh.toString());
        assertThat(third.kept()).containsExactly("beta");
    }

    @Test
    void aBrokenApiFailsItsIntegrationsAndBothKeepTheirLastGoodVersion(@TempDir Path tmp) throws IOException {
        Path apis = tmp.resolve("apis");
        Path dir = tmp.resolve("integrations");
        Path billing = write(apis, "billing.yaml", ApiReferencesTest.BILLING);
        Path two = write(dir, "two.yaml", ApiReferencesTest.integration("two", "", "  destination: { requestsPerSecond: 5, burst: 2 }"));
        write(dir, "alpha.yaml", IntegrationRegistryTest.spec("alpha"));
        SpecLoad first = SpecLoad.load(LOADER, List.of(dir));
        assertThat(first.clean()).as(first.allProblems().toString()).isTrue();

        Files.writeString(billing, ApiReferencesTest.BILLING.replace("baseUrl: \"${billing.url:https://api.billing.example.com}\"",
                "baseUrl: ftp://billing"));
        SpecLoad load = SpecLoad.load(LOADER, List.of(dir));

        assertThat(load.registry().all()).extracting(IntegrationSpec::name).containsExactly("alpha");
        assertThat(load.problems()).containsOnlyKeys(billing.toString(), two.toString());
        assertThat(load.problems().get(billing.toString())).singleElement().asString().startsWith(billing + ":").contains("baseUrl");
        assertThat(load.problems().get(two.toString())).allSatisfy(p -> assertThat(p).startsWith(two + ":").contains("billing"));

        SpecLoad kept = load.keepingLastGood(first.registry());
        assertThat(kept.kept()).containsExactly("billing", "two");
        assertThat(kept.registry().apis().find("billing")).containsSame(first.registry().apis().find("billing").orElseThrow());
        assertThat(kept.registry().require("two")).isSameAs(first.registry().require("two"));
    }

    @Test
    void twoFilesWithOneNameKeepTheFirst(@TempDir Path tmp) throws IOException {
        Path a = tmp.resolve("a/integrations");
        Path b = tmp.resolve("b/integrations");
        write(a, "alpha.yaml", IntegrationRegistryTest.spec("alpha"));
        Path second = write(b, "alpha.yaml", IntegrationRegistryTest.spec("alpha"));

        SpecLoad load = SpecLoad.load(LOADER, List.of(a, b));

        assertThat(load.registry().all()).hasSize(1);
        assertThat(load.problems().get(second.toString())).singleElement().asString()
                .isEqualTo(second + ": name: 'alpha' is also in " + a.resolve("alpha.yaml"));
    }
}
