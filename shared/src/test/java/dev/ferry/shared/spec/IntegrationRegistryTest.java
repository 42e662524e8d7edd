package dev.ferry.shared.spec;

import dev.ferry.shared.config.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class IntegrationRegistryTest {

    static final SpecLoader LOADER = new SpecLoader(k -> Optional.empty(), false);

    static String spec(String name) {
        return SpecLoaderTest.VALID.replace("name: demo", "name: " + name);
    }

    static Path write(Path dir, String file, String text) throws IOException {
        return Files.writeString(dir.resolve(file), text);
    }

    @Test
    void loadsEveryYamlFileOfTwoDirectories(@TempDir Path tmp) throws IOException {
        Path a = Files.createDirectory(tmp.resolve("a"));
        Path b = Files.createDirectory(tmp.resolve("b"));
        write(a, "alpha.yaml", spec("alpha"));
        write(a, "notes.txt", "not a spec");
        write(b, "beta.yaml", spec("beta"));

        IntegrationRegistry registry = IntegrationRegistry.load(LOADER, List.of(a, b));

        assertThat(registry.all()).extracting(IntegrationSpec::name).containsExactlyInAnyOrder("alpha", "beta");
        assertThat(registry.find("beta")).isPresent();
        assertThat(registry.find("gamma")).isEmpty();
        assertThat(registry.find(null)).isEmpty();
        assertThat(registry.require("alpha").name()).isEqualTo("alpha");
        assertThatThrownBy(() -> registry.require("gamma"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("gamma");
    }

    @Test
    void aReloadSwapsTheWholeSetInTheSameObjectAndNamesWhatChanged(@TempDir Path tmp) throws IOException {
        write(tmp, "alpha.yaml", spec("alpha"));
        write(tmp, "beta.yaml", spec("beta"));
        IntegrationRegistry running = IntegrationRegistry.load(LOADER, List.of(tmp));
        IntegrationSpec alphaBefore = running.require("alpha");

        Files.delete(tmp.resolve("beta.yaml"));
        write(tmp, "gamma.yaml", spec("gamma"));
        write(tmp, "alpha.yaml", spec("alpha").replace("description: a test integration", "description: changed"));
        assertThat(running.replaceWith(IntegrationRegistry.load(LOADER, List.of(tmp))))
                .containsExactly("alpha", "beta", "gamma");

        assertThat(running.all()).extracting(IntegrationSpec::name).containsExactly("alpha", "gamma");
        assertThat(running.find("beta")).isEmpty();
        assertThat(running.require("alpha")).isNotEqualTo(alphaBefore);
        assertThat(running.require("alpha").description()).isEqualTo("changed");
        // Loading the same files again changes nothing.
        assertThat(running.replaceWith(IntegrationRegistry.load(LOADER, List.of(tmp)))).isEmpty();
    }

    @Test
    void nameMustMatchTheFileName(@TempDir Path tmp) throws IOException {
        Path file = write(tmp, "other.yaml", spec("demo"));

        SpecException e = catchThrowableOfType(SpecException.class, () -> IntegrationRegistry.load(LOADER, List.of(tmp)));

        assertThat(e).isNotNull();
        assertThat(e.problems()).singleElement().asString()
                .startsWith(file.toString()).contains("'demo'").contains("'other'");
    }

    @Test
    void problemsOfAllFilesAreReportedTogether(@TempDir Path tmp) throws IOException {
        Path bad1 = write(tmp, "one.yaml", spec("one").replace("method: POST", "method: GET"));
        Path bad2 = write(tmp, "two.yaml", spec("two") + "colour: blue\n");
        write(tmp, "three.yaml", spec("three"));

        SpecException e = catchThrowableOfType(SpecException.class, () -> IntegrationRegistry.load(LOADER, List.of(tmp)));

        assertThat(e).isNotNull();
        assertThat(e.problems()).hasSize(2);
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith(bad1 + ":")
                .endsWith(": destination.method: must be one of [POST, PUT], got 'GET'"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith(bad2 + ":").contains("colour"));
    }

    @Test
    void missingDirectoryGivesAClearError(@TempDir Path tmp) {
        Path missing = tmp.resolve("no-such-dir");

        assertThatThrownBy(() -> IntegrationRegistry.load(LOADER, List.of(missing)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("does not exist");
    }

    @Test
    void duplicateNamesAcrossDirectoriesAreRejected(@TempDir Path tmp) throws IOException {
        Path a = Files.createDirectory(tmp.resolve("a"));
        Path b = Files.createDirectory(tmp.resolve("b"));
        write(a, "same.yaml", spec("same"));
        write(b, "same.yaml", spec("same"));

        assertThatThrownBy(() -> IntegrationRegistry.load(LOADER, List.of(a, b)))
                .isInstanceOf(SpecException.class).hasMessageContaining("'same'");
    }

    @Test
    void allListsIntegrationsByName() {
        List<IntegrationSpec> specs = Stream.of("delta", "alpha", "echo", "charlie", "bravo", "foxtrot", "golf", "hotel")
                .map(n -> LOADER.load(n + ".yaml", spec(n))).toList();

        assertThat(new IntegrationRegistry(specs).all()).extracting(IntegrationSpec::name)
                .containsExactly("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel");
    }

    // --- the repo's own specs -------------------------------------------------------------------

    static final Path REPO_INTEGRATIONS = Path.of("../integrations");
    static final Path SANDBOX_INTEGRATIONS = Path.of("../sandbox/integrations");

    static final SpecLoader LOCAL_LOADER = new SpecLoader(k -> Optional.ofNullable(Map.of(
            "sandbox.crm.url", "http://127.0.0.1:18081",
            "sandbox.billing.url", "http://127.0.0.1:18082").get(k)), true);

    static List<String> specNames(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".yaml"))
                    .map(f -> f.substring(0, f.length() - ".yaml".length())).sorted().toList();
        }
    }

    @Test
    void theRepositorysSpecsAllLoad() throws IOException {
        assertThat(REPO_INTEGRATIONS).isDirectory();
        assertThat(SANDBOX_INTEGRATIONS).isDirectory();

        IntegrationRegistry registry = IntegrationRegistry.load(LOCAL_LOADER, List.of(REPO_INTEGRATIONS, SANDBOX_INTEGRATIONS));

        List<String> expected = Stream.concat(specNames(REPO_INTEGRATIONS).stream(), specNames(SANDBOX_INTEGRATIONS).stream())
                .sorted().toList();
        assertThat(expected).isNotEmpty();
        assertThat(registry.all()).extracting(IntegrationSpec::name).containsExactlyInAnyOrderElementsOf(expected);
        for (IntegrationSpec spec : registry.all()) {
            assertThat(spec.destination().url()).as(spec.name()).doesNotContain("${");
        }
        registry.find("sandbox-contacts").ifPresent(s ->
                assertThat(s.destination().url()).isEqualTo("http://127.0.0.1:18082/customers/{recordId}"));
    }

    @Test
    void theRepositorysSpecsShipOnTheClasspath() throws IOException {
        // No directories: the build's ferry/integrations/index.txt and copies of integrations/*.yaml are used.
        IntegrationRegistry registry = IntegrationRegistry.load(LOCAL_LOADER, List.of());

        assertThat(registry.all()).extracting(IntegrationSpec::name).containsExactlyInAnyOrderElementsOf(specNames(REPO_INTEGRATIONS));
    }
}
