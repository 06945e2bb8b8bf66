package eu.runlater.monitors;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Uptime checks' settings, bound from {@code runlater.monitors.checks.*}.
 *
 * @param sweepInterval how often the leader looks for active uptime monitors without a check task
 *     and makes one (default 30 s)
 * @param extraCa {@code RUNLATER_MONITORS_CHECKS_EXTRA_CA}: a PEM file of CA certificates that
 *     HTTPS checks trust besides the JVM's (an internal CA); blank for none
 */
@ConfigurationProperties("runlater.monitors.checks")
record CheckProperties(Duration sweepInterval, String extraCa) {

  CheckProperties {
    sweepInterval = sweepInterval == null ? Duration.ofSeconds(30) : sweepInterval;
  }

  /** The JVM's trust, plus the extra CA certificates when configured. */
  SSLContext sslContext() {
    try {
      if (extraCa == null || extraCa.isBlank()) {
        return SSLContext.getDefault();
      }
      List<X509Certificate> extra = new ArrayList<>();
      try (InputStream in = Files.newInputStream(Path.of(extraCa.strip()))) {
        for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          extra.add((X509Certificate) c);
        }
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (X509Certificate jvm : defaultTrust().getAcceptedIssuers()) {
        store.setCertificateEntry("jvm-" + store.size(), jvm);
      }
      for (X509Certificate c : extra) {
        store.setCertificateEntry("extra-" + store.size(), c);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "RUNLATER_MONITORS_CHECKS_EXTRA_CA: cannot read CA certificates from '"
              + extraCa
              + "' ("
              + e.getMessage()
              + "); give a PEM file of certificates, or leave it blank",
          e);
    }
  }

  private static X509TrustManager defaultTrust() throws GeneralSecurityException {
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init((KeyStore) null);
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("no default X509 trust manager");
  }
}
