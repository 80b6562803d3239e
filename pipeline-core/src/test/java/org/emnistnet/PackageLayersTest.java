package org.emnistnet;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The packages of pipeline-core form layers (../shared/DESIGN.md, "Target shape"): a package uses only the ones
 * below it, so there is no cycle and each can be read and tested from the bottom up.
 */
class PackageLayersTest {
    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.emnistnet");

    /** Every package, sub-packages included: train uses train.paramavg, never the other way round. */
    @Test
    void noPackageCycle() {
        slices().matching("org.emnistnet.(**)").should().beFreeOfCycles().check(CORE);
    }

    /** dl4j-spark (unmaintained upstream) is one package's business: the rest of training sees ParameterAveragingTrainer. */
    @Test
    void onlyTheParameterAveragingPackageTouchesDl4jSpark() {
        noClasses().that().resideOutsideOfPackage("org.emnistnet.train.paramavg")
                .should().dependOnClassesThat().resideInAPackage("org.deeplearning4j.spark..").check(CORE);
        noClasses().that().resideOutsideOfPackage("org.emnistnet.train..")
                .should().dependOnClassesThat().resideInAPackage("org.emnistnet.train.paramavg").check(CORE);
    }

    @Test
    void eachPackageUsesOnlyThePackagesBelowIt() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("artifact").definedBy("org.emnistnet.artifact..")
                .layer("data").definedBy("org.emnistnet.data..")
                .layer("transform").definedBy("org.emnistnet.transform..")
                .layer("picture").definedBy("org.emnistnet.picture..")
                .layer("runtime").definedBy("org.emnistnet.runtime..")
                .layer("model").definedBy("org.emnistnet.model..")
                .layer("score").definedBy("org.emnistnet.score..")
                .layer("eval").definedBy("org.emnistnet.eval..")
                .layer("train").definedBy("org.emnistnet.train..")
                .layer("ml").definedBy("org.emnistnet.ml..")
                .layer("pipeline").definedBy("org.emnistnet.pipeline..")
                .whereLayer("pipeline").mayNotBeAccessedByAnyLayer()
                .whereLayer("ml").mayOnlyBeAccessedByLayers("pipeline")
                .whereLayer("train").mayOnlyBeAccessedByLayers("ml", "pipeline")
                .whereLayer("eval").mayOnlyBeAccessedByLayers("train", "ml", "pipeline")
                .whereLayer("score").mayOnlyBeAccessedByLayers("eval", "train", "ml", "pipeline")
                .whereLayer("model").mayOnlyBeAccessedByLayers("score", "eval", "train", "ml", "pipeline")
                .whereLayer("runtime").mayOnlyBeAccessedByLayers("model", "score", "eval", "train", "ml", "pipeline")
                .whereLayer("picture").mayOnlyBeAccessedByLayers("runtime", "model", "score", "eval", "train", "ml", "pipeline")
                .whereLayer("transform").mayOnlyBeAccessedByLayers("picture", "runtime", "model", "score", "eval", "train", "ml", "pipeline")
                .whereLayer("data").mayOnlyBeAccessedByLayers("transform", "picture", "runtime", "model", "score", "eval", "train", "ml", "pipeline")
                .check(CORE);
    }

    @Test
    void onlyTheOnnxEngineTouchesOnnxRuntimeAndOnlyTheExportTouchesOnnxsProtobufClasses() {
        noClasses().that().haveNameNotMatching("org\\.emnistnet\\.score\\.OnnxForwardPass(\\$.*)?")
                .should().dependOnClassesThat().resideInAPackage("ai.onnxruntime..").check(CORE);
        noClasses().that().resideOutsideOfPackage("org.emnistnet.model")
                .should().dependOnClassesThat().resideInAPackage("ai.onnx.proto..").check(CORE);
    }
}
