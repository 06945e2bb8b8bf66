package eu.runlater.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsServer;
import eu.runlater.engine.http.HttpOutcome.Failed;
import eu.runlater.engine.http.HttpOutcome.FailureKind;
import eu.runlater.engine.http.HttpOutcome.Responded;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS while connecting to a checked address: SNI and hostname verification must use the URL's
 * host name, not the IP the socket goes to. The server's certificate is made at test time with
 * keytool, for the name "hooks.test" only.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TlsTest {
  private static final String PASSWORD = "changeit";
  private static final String NAME = "hooks.test";

  @TempDir static Path dir;

  private static HttpsServer server;
  private static SSLContext trustingClient;
  private static final List<String> serverNames = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startHttpsServer() throws Exception {
    Path keystore = dir.resolve("server.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "server",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=" + NAME,
                "-ext",
                "SAN=dns:" + NAME,
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                PASSWORD,
                "-keypass",
                PASSWORD)
            .redirectErrorStream(true)
            .start();
    String output = new String(keytool.getInputStream().readAllBytes());
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).as(output).isZero();

    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      keys.load(in, PASSWORD.toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, PASSWORD.toCharArray());
    SSLContext serverContext = SSLContext.getInstance("TLS");
    serverContext.init(kmf.getKeyManagers(), null, null);

    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("server", keys.getCertificate("server"));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    trustingClient = SSLContext.getInstance("TLS");
    trustingClient.init(null, tmf.getTrustManagers(), null);

    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    server.setHttpsConfigurator(new HttpsConfigurator(serverContext));
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext(
        "/",
        exchange -> {
          var session = (ExtendedSSLSession) ((HttpsExchange) exchange).getSSLSession();
          for (SNIServerName name : session.getRequestedServerNames()) {
            if (name instanceof SNIHostName host) {
              serverNames.add(host.getAsciiName());
            }
          }
          exchange.getRequestBody().readAllBytes();
          byte[] body = "secure".getBytes();
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }

  @AfterAll
  static void stopHttpsServer() {
    server.stop(0);
  }

  private static URI url(String host) {
    return URI.create("https://" + host + ":" + server.getAddress().getPort() + "/hook");
  }

  private static HttpDelivery delivery(SSLContext tls, FakeResolver resolver) {
    return new HttpDelivery(
        HttpDeliveryConfig.defaults(AddressPolicy.parse("127.0.0.1/32"))
            .withResolver(resolver)
            .withSslContext(tls));
  }

  @Test
  void
      verifies_the_certificate_and_sends_sni_for_the_url_host_while_connecting_to_the_checked_ip() {
    serverNames.clear();
    FakeResolver resolver = new FakeResolver().answer(NAME, "127.0.0.1");
    try (HttpDelivery delivery = delivery(trustingClient, resolver)) {
      HttpOutcome outcome = delivery.send(Calls.post(url(NAME)));

      assertThat(outcome)
          .isInstanceOfSatisfying(
              Responded.class,
              r -> {
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("secure".getBytes());
                assertThat(r.remoteAddress()).isEqualTo("127.0.0.1");
              });
    }
    assertThat(serverNames).containsExactly(NAME);
    assertThat(resolver.lookups(NAME)).isEqualTo(1);
  }

  @Test
  void refuses_a_certificate_issued_for_another_name_as_tls() {
    FakeResolver resolver = new FakeResolver().answer("other.test", "127.0.0.1");
    try (HttpDelivery delivery = delivery(trustingClient, resolver)) {
      HttpOutcome outcome = delivery.send(Calls.post(url("other.test")));

      assertThat(outcome)
          .isInstanceOfSatisfying(
              Failed.class,
              f -> {
                assertThat(f.kind()).isEqualTo(FailureKind.TLS);
                assertThat(f.message()).startsWith("TLS handshake with other.test failed: ");
              });
    }
  }

  @Test
  void refuses_a_certificate_the_default_trust_store_does_not_trust_as_tls() throws Exception {
    FakeResolver resolver = new FakeResolver().answer(NAME, "127.0.0.1");
    try (HttpDelivery delivery = delivery(SSLContext.getDefault(), resolver)) {
      HttpOutcome outcome = delivery.send(Calls.post(url(NAME)));

      assertThat(outcome)
          .isInstanceOfSatisfying(
              Failed.class, f -> assertThat(f.kind()).isEqualTo(FailureKind.TLS));
    }
  }

  @Test
  void an_https_url_pointing_at_a_plain_http_server_fails_as_tls() throws Exception {
    try (RawServer plain = RawServer.start(RawServer::ok);
        HttpDelivery delivery = delivery(trustingClient, new FakeResolver())) {
      HttpOutcome outcome =
          delivery.send(Calls.post(URI.create("https://127.0.0.1:" + plain.port() + "/hook")));

      assertThat(outcome)
          .isInstanceOfSatisfying(
              Failed.class,
              f -> {
                assertThat(f.kind()).isEqualTo(FailureKind.TLS);
                assertThat(f.message()).startsWith("TLS handshake with 127.0.0.1 failed");
              });
    }
  }
}
