package dev.ferry.shared;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The layers of ferry-shared, bottom to top. A class may use its own layer and those below, never one above, and no
 * two packages may depend on each other in a cycle. Fails with every offending dependency named.
 */
class LayersTest {

    static final JavaClasses SHARED = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.ferry.shared");

    /**
     * Known, listed, to be removed: the spec loader still asks the list plan (poll) to check a list section; it is
     * the last edge of a cycle. No other may appear.
     */
    static final String[][] KNOWN = {
            {"dev.ferry.shared.spec", "dev.ferry.shared.poll"},
    };

    static Architectures.LayeredArchitecture layers() {
        Architectures.LayeredArchitecture layers = Architectures.layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("foundation").definedBy("dev.ferry.shared.config..", "dev.ferry.shared.envelope..", "dev.ferry.shared.json..",
                        "dev.ferry.shared.time..")
                .layer("spec").definedBy("dev.ferry.shared.spec..")
                .layer("connectivity").definedBy("dev.ferry.shared.http..", "dev.ferry.shared.auth..", "dev.ferry.shared.secrets..",
                        "dev.ferry.shared.resilience..", "dev.ferry.shared.aws..", "dev.ferry.shared.lambda..",
                        "dev.ferry.shared.queue..", "dev.ferry.shared.idempotency..")
                .layer("logic").definedBy("dev.ferry.shared.mapping..", "dev.ferry.shared.lookup..", "dev.ferry.shared.poll..")
                .layer("steps").definedBy("dev.ferry.shared.steps..", "dev.ferry.shared.replay..")
                .layer("wiring").definedBy("dev.ferry.shared", "dev.ferry.shared.cdi..")
                .whereLayer("wiring").mayNotBeAccessedByAnyLayer()
                .whereLayer("steps").mayOnlyBeAccessedByLayers("wiring")
                .whereLayer("logic").mayOnlyBeAccessedByLayers("steps", "wiring")
                .whereLayer("connectivity").mayOnlyBeAccessedByLayers("logic", "steps", "wiring")
                .whereLayer("spec").mayOnlyBeAccessedByLayers("connectivity", "logic", "steps", "wiring")
                .whereLayer("foundation").mayOnlyBeAccessedByLayers("spec", "connectivity", "logic", "steps", "wiring");
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
