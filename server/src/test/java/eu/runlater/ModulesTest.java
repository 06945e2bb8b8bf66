package eu.runlater;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModule;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

/**
 * The module map, kept true by the build: each direct sub-package of {@code eu.runlater} is a
 * module whose root package is its API; the engine ({@code eu.runlater.engine}) is one of them and
 * exposes only its root package. See docs/architecture.md.
 */
class ModulesTest {
  static final ApplicationModules MODULES =
      ApplicationModules.of(
          RunlaterApplication.class,
          DescribedPredicate.describe("test code", ModulesTest::testCode));
  static final Path SOURCES = Path.of("src/main/java/eu/runlater");
  static final Path ARCHITECTURE = Path.of("../docs/architecture.md");

  @Test
  void modules_have_no_cycles_and_reach_only_each_others_api() {
    MODULES.verify();
  }

  @Test
  void the_engine_uses_no_spring() {
    noClasses()
        .that()
        .resideInAPackage("eu.runlater.engine..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.springframework..")
        .check(new ClassFileImporter().importPackages("eu.runlater.engine"));
  }

  /**
   * The engine owns its tables: the server submits, cancels and reschedules tasks through the
   * engine's API, and only reads history. (SQL in strings is invisible to the module check.)
   */
  @Test
  void no_server_class_writes_the_engines_tables() throws IOException {
    Pattern write =
        Pattern.compile(
            "(INSERT\\s+INTO|UPDATE|DELETE\\s+FROM)\\s+(tasks|executions|organization_caps|host_states|engine_nodes)\\b",
            Pattern.CASE_INSENSITIVE);
    assertThat(filesMatching(write)).isEmpty();
  }

  /**
   * Server SQL lives in one package-private *Queries (or *Store) class per table or read model. A
   * statement is an upper-case FROM, INTO, UPDATE or JOIN before a table name; PostgreSQL's own
   * catalogs (pg_*) are not ours.
   */
  @Test
  void server_sql_lives_in_queries_classes() throws IOException {
    Pattern statement = Pattern.compile("\\b(FROM|INTO|UPDATE|JOIN)\\s+(?!pg_)[a-z_]+\\b");
    assertThat(
            filesMatching(statement).stream()
                .filter(f -> !f.endsWith("Queries.java") && !f.endsWith("Store.java"))
                .toList())
        .isEmpty();
  }

  /**
   * docs/architecture.md draws the map between two markers; this test draws it from the code and
   * fails when they differ, printing the block to paste. It also writes Modulith's PlantUML
   * diagrams under target/spring-modulith-docs.
   */
  @Test
  void the_architecture_page_draws_the_map_the_code_has() throws IOException {
    new Documenter(MODULES).writeModulesAsPlantUml().writeIndividualModulesAsPlantUml();
    String page = Files.readString(ARCHITECTURE);
    Matcher drawn =
        Pattern.compile(
                "<!-- module-map:start -->\\n```mermaid\\n(.*?)```\\n<!-- module-map:end -->",
                Pattern.DOTALL)
            .matcher(page);
    assertThat(drawn.find()).as("docs/architecture.md has the module-map markers").isTrue();
    assertThat(drawn.group(1)).isEqualTo(mermaid());
  }

  /** Every module and its direct dependencies, except on the open platform module that all use. */
  static String mermaid() {
    TreeSet<String> lines = new TreeSet<>();
    List<String> names = new ArrayList<>();
    for (ApplicationModule module : MODULES) {
      String from = module.getIdentifier().toString();
      names.add(from);
      module
          .getDirectDependencies(MODULES)
          .uniqueModules()
          .map(m -> m.getIdentifier().toString())
          .filter(to -> !to.equals("platform") && !to.equals(from))
          .forEach(to -> lines.add("  " + from + " --> " + to));
    }
    StringBuilder out = new StringBuilder("flowchart TD\n");
    names.stream().sorted().forEach(n -> out.append("  ").append(n).append('\n'));
    lines.forEach(l -> out.append(l).append('\n'));
    return out.toString();
  }

  /**
   * Test code is no module: the engine's test-jar (its fixtures, eu.runlater.testing) is on this
   * classpath as a jar, where Modulith's own test filter (test-classes directories) misses it.
   */
  private static boolean testCode(JavaClass type) {
    return type.getSource()
        .map(source -> source.getUri().toString())
        .map(uri -> uri.contains("/test-classes/") || uri.contains("-tests.jar"))
        .orElse(false);
  }

  private static List<String> filesMatching(Pattern pattern) throws IOException {
    try (Stream<Path> files = Files.walk(SOURCES)) {
      return files
          .filter(f -> f.toString().endsWith(".java"))
          .filter(
              f -> {
                try {
                  return pattern.matcher(Files.readString(f)).find();
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              })
          .map(f -> SOURCES.relativize(f).toString())
          .sorted()
          .toList();
    }
  }
}
