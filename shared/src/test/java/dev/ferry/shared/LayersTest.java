package dev.ferry.shared;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The layers of ferry-shared, bottom to top. A class may use its own layer and those below, never one above, and no
 * two packages may depend on each other in a cycle. Fails with every offending dependency named.
 */
class LayersTest {

    static final JavaClasses SHARED = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.ferry.shared");

    /** Known edges against the layering, to be removed; none today, and no other may appear. */
    static final String[][] KNOWN = {};

    static Architectures.LayeredArchitecture layers() {
        Architectures.LayeredArchitecture layers = Architectures.layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("foundation").definedBy("dev.ferry.shared.config..", "dev.ferry.shared.envelope..", "dev.ferry.shared.json..",
                        "dev.ferry.shared.time..", "dev.ferry.shared.metrics..")
                .layer("spec").definedBy("dev.ferry.shared.spec..")
                .layer("connectivity").definedBy("dev.ferry.shared.http..", "dev.ferry.shared.auth..", "dev.ferry.shared.secrets..",
                        "dev.ferry.shared.resilience..", "dev.ferry.shared.aws..", "dev.ferry.shared.lambda..",
                        "dev.ferry.shared.queue..", "dev.ferry.shared.idempotency..")
                .layer("api").definedBy("dev.ferry.shared.api..")
                .layer("logic").definedBy("dev.ferry.shared.mapping..", "dev.ferry.shared.lookup..", "dev.ferry.shared.poll..")
                .layer("steps").definedBy("dev.ferry.shared.steps..", "dev.ferry.shared.replay..")
                .layer("wiring").definedBy("dev.ferry.shared", "dev.ferry.shared.cdi..")
                .whereLayer("wiring").mayNotBeAccessedByAnyLayer()
                .whereLayer("steps").mayOnlyBeAccessedByLayers("wiring")
                .whereLayer("logic").mayOnlyBeAccessedByLayers("steps", "wiring")
                .whereLayer("api").mayOnlyBeAccessedByLayers("logic", "steps", "wiring")
                .whereLayer("connectivity").mayOnlyBeAccessedByLayers("api", "logic", "steps", "wiring")
                .whereLayer("spec").mayOnlyBeAccessedByLayers("connectivity", "api", "logic", "steps", "wiring")
                .whereLayer("foundation").mayOnlyBeAccessedByLayers("spec", "connectivity", "api", "logic", "steps", "wiring");
        for (String[] known : KNOWN) {
            layers = layers.ignoreDependency(
                    com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage(known[0]),
                    com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage(known[1]));
        }
        return layers;
    }

    @Test
    void everyLayerUsesOnlyItselfAndTheLayersBelow() {
        layers().check(SHARED);
    }

    /**
     * One outbound path: only the API client sends a request to an API (credentials, budget, guards, rate-limit
     * headers); token endpoints are the auth package's own. Nothing above assembles a call by hand.
     */
    @Test
    void onlyTheApiClientCallsOut() {
        noClasses().that().resideOutsideOfPackages("dev.ferry.shared.api..", "dev.ferry.shared.auth..", "dev.ferry.shared.resilience..")
                .should().callMethod(dev.ferry.shared.http.HttpCaller.class, "send", String.class, String.class, java.util.Map.class, byte[].class)
                .orShould().callMethodWhere(com.tngtech.archunit.base.DescribedPredicate.describe("OutboundAuth.send",
                        call -> call.getTargetOwner().isEquivalentTo(dev.ferry.shared.auth.OutboundAuth.class)
                                && call.getName().equals("send")))
                .orShould().callMethodWhere(com.tngtech.archunit.base.DescribedPredicate.describe("ResilientCalls.call or reserve",
                        call -> call.getTargetOwner().isEquivalentTo(dev.ferry.shared.resilience.ResilientCalls.class)
                                && (call.getName().equals("call") || call.getName().equals("reserve") || call.getName().equals("observe"))))
                .because("every call to an API goes through its ApiClient (dev.ferry.shared.api)")
                .check(SHARED);
    }

    @Test
    void noTwoPackagesDependOnEachOther() {
        var rule = slices().matching("dev.ferry.shared.(*)..").should().beFreeOfCycles();
        for (String[] known : KNOWN) {
            rule = rule.ignoreDependency(com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage(known[0]),
                    com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage(known[1]));
        }
        rule.check(SHARED);
    }
}
