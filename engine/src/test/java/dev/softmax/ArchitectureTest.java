package dev.softmax;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The package structure of the engine's main classes: which package may use the Vector API, which packages may
 * depend on which. Only main classes are imported (test classes are free to reach anywhere).
 */
@AnalyzeClasses(packages = "dev.softmax", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /**
     * The slice pattern: {@code dev.softmax.internal} itself is the slice "internal", and each subpackage is a slice
     * of its own ("internal.dnnl", "internal.kernel", "internal.vector", and deeper ones likewise).
     */
    static final String INTERNAL_SLICES = "dev.softmax.(internal..)";

    /** The one internal class the public package may use besides what {@link SoftmaxEngine} wires together. */
    static final String FLOAT_CONVERSIONS = "dev.softmax.internal.kernel.FloatConversions";

    @ArchTest
    static final ArchRule VECTOR_API_ONLY_IN_VECTOR_PACKAGE = noClasses()
            .that()
            .resideOutsideOfPackage("dev.softmax.internal.vector..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("jdk.incubator.vector..")
            .because("jdk.incubator.vector is an incubator module that may be absent at run time; only"
                    + " dev.softmax.internal.vector may touch it, so that everything else loads without it and the"
                    + " scalar kernel can serve");

    @ArchTest
    static final ArchRule INTERNAL_PACKAGES_FREE_OF_CYCLES = slices().matching(INTERNAL_SLICES)
            .should()
            .beFreeOfCycles()
            .because("each internal package must be understandable, testable and replaceable on its own; a cycle"
                    + " between two packages makes them one package in disguise");

    @ArchTest
    static final ArchRule API_USES_INTERNALS_ONLY_THROUGH_ENGINE = noClasses()
            .that()
            .resideInAPackage("dev.softmax")
            .and(not(belongToAnyOf(SoftmaxEngine.class)))
            .should()
            .dependOnClassesThat(resideInAPackage("dev.softmax.internal..").and(not(name(FLOAT_CONVERSIONS))))
            .because("the public API types are plain values and options; SoftmaxEngine alone wires them to the"
                    + " internal backends, so the internals can change without touching the API (FloatConversions"
                    + " is a leaf helper the API may share)");

    @ArchTest
    static final ArchRule INTERNALS_DO_NOT_REACH_BACK_TO_ENGINE = noClasses()
            .that()
            .resideInAPackage("dev.softmax.internal..")
            .should()
            .dependOnClassesThat(belongToAnyOf(SoftmaxEngine.class))
            .because("SoftmaxEngine is the top of the layering: it depends on the internals, never the other way");

    @ArchTest
    static final ArchRule KERNELS_ARE_A_LEAF = noClasses()
            .that()
            .resideInAPackage("dev.softmax.internal.kernel..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.softmax")
            .because("the kernel interfaces and scalar kernels work on raw rows only; depending on the API package"
                    + " would tie the innermost loops to the public types and close a cycle through the engine");

    @ArchTest
    static final ArchRule DLPACK_IS_BUILT_ON_THE_PUBLIC_API = noClasses()
            .that()
            .resideInAPackage("dev.softmax.dlpack..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.softmax.internal..")
            .because("the DLPack bridge turns native tensors into ForeignTensors and TensorViews, the public types;"
                    + " it needs nothing of the engine's internals, so it could move to a module of its own");

    @ArchTest
    static final ArchRule NOTHING_ELSE_DEPENDS_ON_DLPACK = noClasses()
            .that()
            .resideOutsideOfPackage("dev.softmax.dlpack..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.softmax.dlpack..")
            .because("DLPack is an optional bridge on top of the API; the engine works without it");
}
