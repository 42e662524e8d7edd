package dev.ferry.local.catalog;

import dev.ferry.shared.spec.ApiSpec;
import dev.ferry.shared.spec.IntegrationRegistry;
import dev.ferry.shared.spec.IntegrationSpec;
import dev.ferry.shared.spec.SpecLoader;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** The shipped specs, and answers computed straight from them (not through the catalog) for the tests to compare with. */
final class Specs {

    static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    private Specs() {
    }

    static IntegrationRegistry shipped() {
        return IntegrationRegistry.load(new SpecLoader(key -> Optional.empty(), false), List.of(REPO.resolve("integrations")));
    }

    static Catalog shippedCatalog() {
        return CatalogSources.of(shipped(), REPO, List.of(REPO.resolve("integrations")), REPO.resolve(CatalogSources.TEMPLATE));
    }

    /** The APIs an integration calls, from its source, destination and lookups. */
    static Set<String> apisOf(IntegrationSpec spec) {
        Set<String> apis = new LinkedHashSet<>();
        if (spec.source() != null && spec.source().api() != null) apis.add(spec.source().api());
        if (spec.destination() != null && spec.destination().api() != null) apis.add(spec.destination().api());
        spec.lookups().values().forEach(l -> {
            if (l.api() != null) apis.add(l.api());
        });
        return apis;
    }

    /** Integrations that call the API. */
    static Set<String> usersOf(IntegrationRegistry registry, String api) {
        Set<String> out = new TreeSet<>();
        registry.all().forEach(s -> {
            if (apisOf(s).contains(api)) out.add(s.name());
        });
        return out;
    }

    /** Integrations that depend on a secret: their webhooks' signature, or an API they call whose auth holds it. */
    static Set<String> dependentsOfSecret(IntegrationRegistry registry, String secret) {
        Set<String> out = new TreeSet<>();
        for (IntegrationSpec s : registry.all()) {
            if (s.webhook() != null && s.webhook().signature() != null && secret.equals(s.webhook().signature().secret())) out.add(s.name());
            for (String api : apisOf(s)) {
                ApiSpec declared = registry.apis().find(api).orElseThrow();
                if (declared.auth() != null && secret.equals(declared.auth().secret())) out.add(s.name());
            }
        }
        return out;
    }
}
