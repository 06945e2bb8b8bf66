package eu.runlater;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./run}, the one command that starts Runlater, picks the start-up cache (the extracted jar
 * and its AOT cache, server/pom.xml profile aot-cache) only when the cache was made from the
 * current jar, starts from the plain jar otherwise, and asks the build for the cache whenever it
 * builds. The script runs for real (bash, the JDK check) in a copy of the repository's layout whose
 * build is a stand-in {@code mvnw}; RUNLATER_RUN_PRINT makes it print the java command instead of
 * running it.
 */
class RunScriptTest {
  static final Instant SOURCES = Instant.parse("2026-01-01T00:00:00Z");
  static final Instant BUILT = SOURCES.plusSeconds(60);
  static final Instant CACHED = BUILT.plusSeconds(60);

  @TempDir Path repo;

  @BeforeEach
  void layout() throws IOException {
    Path run = repo.resolve("run");
    Files.copy(Path.of("..", "run"), run);
    executable(run);
    // The stand-in build: records its arguments, then leaves what the real one leaves.
    Path mvnw = repo.resolve("mvnw");
    Files.writeString(
        mvnw,
        """
        #!/usr/bin/env bash
        echo "$*" >> mvnw.calls
        mkdir -p server/target/app
        touch server/target/runlater-server-exec.jar
        later=@$(( $(date +%s) + 1 ))
        touch -d "$later" server/target/app/runlater-server-exec.jar server/target/app/runlater.aot
        """);
    executable(mvnw);
    file("pom.xml", SOURCES);
    file("server/pom.xml", SOURCES);
    file("engine/pom.xml", SOURCES);
    file("server/src/main/java/Main.java", SOURCES);
  }

  @Test
  void starts_the_extracted_jar_with_its_cache_when_the_cache_is_newer_than_the_jar()
      throws Exception {
    built();
    cached(CACHED);

    assertThat(printedCommand(Map.of()))
        .contains("-XX:AOTCache=server/target/app/runlater.aot")
        // A first start copies the database the same build made.
        .contains("-Drunlater.embedded-template=server/target/app/postgres-template")
        .contains("-jar server/target/app/runlater-server-exec.jar");
    assertThat(repo.resolve("mvnw.calls")).doesNotExist();
  }

  @Test
  void starts_the_plain_jar_when_the_cache_is_older_than_the_jar() throws Exception {
    built();
    cached(BUILT.minusSeconds(1));

    assertThat(printedCommand(Map.of()))
        .doesNotContain("AOTCache")
        // The template may be of an older build than the jar: a first start makes its own.
        .doesNotContain("embedded-template")
        .contains("-jar server/target/runlater-server-exec.jar");
  }

  @Test
  void starts_the_plain_jar_when_there_is_no_cache() throws Exception {
    built();

    assertThat(printedCommand(Map.of()))
        .doesNotContain("AOTCache")
        .contains("-jar server/target/runlater-server-exec.jar");
  }

  @Test
  void starts_the_plain_jar_when_the_cache_is_turned_off() throws Exception {
    built();
    cached(CACHED);

    assertThat(printedCommand(Map.of("RUNLATER_AOT", "off")))
        .doesNotContain("AOTCache")
        .contains("-jar server/target/runlater-server-exec.jar");
  }

  @Test
  void builds_with_the_cache_when_the_sources_changed_then_starts_with_it() throws Exception {
    built();
    cached(CACHED);
    file("server/src/main/java/Main.java", CACHED.plusSeconds(60));

    String command = printedCommand(Map.of());

    assertThat(Files.readString(repo.resolve("mvnw.calls")))
        .contains("-Paot-cache")
        .contains("-DskipTests")
        .contains("package");
    assertThat(command).contains("-XX:AOTCache=server/target/app/runlater.aot");
  }

  @Test
  void passes_java_options_and_arguments_on() throws Exception {
    built();
    cached(CACHED);

    assertThat(printedCommand(Map.of("JAVA_OPTS", "-Xmx1g -Dx=y"), "--server.port=9090"))
        .contains(
            "-Xmx1g -Dx=y -jar server/target/app/runlater-server-exec.jar --server.port=9090");
  }

  private void built() throws IOException {
    file("server/target/runlater-server-exec.jar", BUILT);
  }

  private void cached(Instant when) throws IOException {
    file("server/target/app/runlater-server-exec.jar", when);
    file("server/target/app/runlater.aot", when);
  }

  private String printedCommand(Map<String, String> env, String... args) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(
                java.util.stream.Stream.concat(
                        java.util.stream.Stream.of("bash", repo.resolve("run").toString()),
                        java.util.stream.Stream.of(args))
                    .toList())
            .directory(repo.toFile())
            .redirectErrorStream(true);
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.environment().put("RUNLATER_RUN_PRINT", "1");
    builder.environment().remove("JAVA_OPTS");
    builder.environment().remove("RUNLATER_AOT");
    builder.environment().putAll(env);
    Process process = builder.start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("./run answers").isTrue();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(output).isZero();
    List<String> lines = output.lines().filter(l -> l.contains(" -jar ")).toList();
    assertThat(lines).as(output).hasSize(1);
    return lines.getFirst();
  }

  private void file(String path, Instant modified) throws IOException {
    Path file = repo.resolve(path);
    Files.createDirectories(file.getParent());
    if (!Files.exists(file)) {
      Files.writeString(file, path);
    }
    Files.setLastModifiedTime(file, FileTime.from(modified));
  }

  private static void executable(Path file) throws IOException {
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
