package eu.runlater.support;

import eu.runlater.engine.TestCa;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The test CA that the servers of tests trust for uptime checks (as an operator's extra CA, {@code
 * runlater.monitors.checks.extra-ca}): one per test JVM, its PEM in a temporary file.
 */
public final class CheckCa {
  private static TestCa ca;
  private static Path pem;

  private CheckCa() {}

  public static synchronized TestCa ca() {
    if (ca == null) {
      ca = TestCa.create();
    }
    return ca;
  }

  /** The CA's certificate as a PEM file. */
  public static synchronized String pemFile() {
    if (pem == null) {
      try {
        pem = Files.createTempFile("runlater-check-ca", ".pem");
        Files.writeString(pem, ca().caPem());
        pem.toFile().deleteOnExit();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return pem.toString();
  }
}
