package org.orzspark.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering rules of the README's Architecture section, checked over the main classes of every
 * module (this module sees them all). Modules by package: {@code udfs} = {@code reward..}; {@code
 * datasets} = {@code datasets..}; {@code pipeline} = {@code analysis}, {@code autograd}, {@code
 * collective}, {@code evaluation}, {@code generation}, {@code model}, {@code plan}, {@code ppo},
 * {@code pretrain}, {@code random}, {@code report}, {@code run}, {@code stages}, {@code tokenizer},
 * {@code train}; {@code jobs} = {@code jobs..}: commands that parse options and call the rest.
 */
class ArchitectureTest {
  private static final String[] PIPELINE = {
    "org.orzspark.analysis..",
    "org.orzspark.autograd..",
    "org.orzspark.collective..",
    "org.orzspark.evaluation..",
    "org.orzspark.generation..",
    "org.orzspark.model..",
    "org.orzspark.plan..",
    "org.orzspark.ppo..",
    "org.orzspark.pretrain..",
    "org.orzspark.random..",
    "org.orzspark.report..",
    "org.orzspark.run..",
    "org.orzspark.stages..",
    "org.orzspark.tokenizer..",
    "org.orzspark.train.."
  };
  private static final String[] JOBS = {"org.orzspark.jobs.."};

  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    // The other modules come as target/classes folders or, after their package phase in the
    // same reactor (mvn verify), as jars; their test-jars are left out like test-classes.
    Pattern testJar = Pattern.compile(".*-tests\\.jar.*");
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> !location.matches(testJar))
            .importPackages("org.orzspark");
  }

  @Test
  void everyModuleIsImported() {
    // Guards the rules below against passing on an empty import.
    for (String name :
        new String[] {
          "org.orzspark.reward.OrzReward",
          "org.orzspark.reward.spark.RewardUdfs",
          "org.orzspark.datasets.PromptRecord",
          "org.orzspark.ppo.AdamW",
          "org.orzspark.jobs.Orz"
        }) {
      org.assertj.core.api.Assertions.assertThat(classes.contain(name)).as(name).isTrue();
    }
    org.assertj.core.api.Assertions.assertThat(
            classes.stream()
                .anyMatch(c -> c.getName().endsWith("Test") || c.getName().endsWith("IT")))
        .as("test classes are not part of the architecture")
        .isFalse();
  }

  @Test
  void modelMathKnowsNoSpark() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "org.orzspark.ppo..",
            "org.orzspark.generation..",
            "org.orzspark.model..",
            "org.orzspark.train..",
            "org.orzspark.plan..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.apache.spark..")
        .because(
            "the PPO math, the model, generation and the plan are pure; Spark lives at the edges")
        .check(classes);
  }

  @Test
  void rewardKnowsNoDjl() {
    noClasses()
        .that()
        .resideInAPackage("org.orzspark.reward..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("ai.djl..")
        .because("udfs runs on executors without the model's native libraries")
        .check(classes);
  }

  @Test
  void onlyJobsUsesJobs() {
    noClasses()
        .that()
        .resideOutsideOfPackage("org.orzspark.jobs..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.orzspark.jobs..")
        .because("jobs wires everything to spark-submit entry points; nothing calls back into it")
        .check(classes);
  }

  @Test
  void onlyJobsParsesOptions() {
    noClasses()
        .that()
        .resideOutsideOfPackage("org.orzspark.jobs..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("picocli..")
        .because("commands parse options and call library code, which takes typed settings")
        .check(classes);
  }

  @Test
  void udfsPointsAtNoHigherModule() {
    noClasses()
        .that()
        .resideInAPackage("org.orzspark.reward..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(concat(new String[] {"org.orzspark.datasets.."}, PIPELINE, JOBS))
        .because("modules depend one way: jobs -> pipeline -> datasets -> udfs")
        .check(classes);
  }

  @Test
  void datasetsPointsAtNoHigherModule() {
    noClasses()
        .that()
        .resideInAPackage("org.orzspark.datasets..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(concat(PIPELINE, JOBS))
        .because("modules depend one way: jobs -> pipeline -> datasets -> udfs")
        .check(classes);
  }

  @Test
  void pipelinePointsAtNoHigherModule() {
    noClasses()
        .that()
        .resideInAnyPackage(PIPELINE)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(JOBS)
        .because("modules depend one way: jobs -> pipeline -> datasets -> udfs")
        .check(classes);
  }

  private static String[] concat(String[]... parts) {
    return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
  }
}
