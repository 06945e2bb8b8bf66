package eu.runlater.engine.http;

import com.sun.net.httpserver.HttpServer;
import eu.runlater.engine.Header;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Throughput of {@link HttpDelivery} against the JDK's {@link HttpClient}, run by hand (not a
 * test): 50 virtual threads POST a 200-byte body to a loopback sink as fast as they can. Prints
 * requests per second per round and the median of three rounds.
 *
 * <pre>
 * ./mvnw -q -pl engine test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * $JAVA_HOME/bin/java -cp engine/target/test-classes:engine/target/classes:$(cat /tmp/cp.txt) \
 *     eu.runlater.engine.http.HttpClientComparison [seconds per round, default 10]
 * </pre>
 */
public final class HttpClientComparison {
  private static final int CONCURRENCY = 50;
  private static final int ROUNDS = 3;
  private static final byte[] BODY = new byte[200];

  /** One request; true when it got a 200. */
  @FunctionalInterface
  private interface Request {
    boolean send() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    Duration round = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 10);
    // Logback's default is DEBUG to the console, which would measure HttpClient's logging.
    if (LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)
        instanceof ch.qos.logback.classic.Logger root) {
      root.setLevel(ch.qos.logback.classic.Level.WARN);
    }
    Arrays.fill(BODY, (byte) 'x');

    HttpServer sink =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    sink.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    byte[] ok = "ok".getBytes();
    sink.createContext(
        "/",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          exchange.sendResponseHeaders(200, ok.length);
          exchange.getResponseBody().write(ok);
          exchange.close();
        });
    sink.start();
    URI url = URI.create("http://127.0.0.1:" + sink.getAddress().getPort() + "/hook");

    HttpClient jdk =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    HttpRequest jdkRequest =
        HttpRequest.newBuilder(url)
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(BODY))
            .build();
    Request viaJdk =
        () -> jdk.send(jdkRequest, HttpResponse.BodyHandlers.ofByteArray()).statusCode() == 200;

    HttpDelivery delivery =
        new HttpDelivery(HttpDeliveryConfig.defaults(AddressPolicy.parse("127.0.0.1/32")));
    HttpCall call =
        new HttpCall(
            url,
            "POST",
            List.of(new Header("Content-Type", "application/json")),
            BODY,
            Duration.ofSeconds(30));
    Request viaDelivery =
        () -> delivery.send(call) instanceof HttpOutcome.Responded r && r.status() == 200;

    System.out.printf(
        Locale.ROOT,
        "%d virtual threads, 200-byte POST to a loopback JDK HttpServer, %d rounds of %d s, %d cores%n",
        CONCURRENCY,
        ROUNDS,
        round.toSeconds(),
        Runtime.getRuntime().availableProcessors());
    measure("warm-up JDK HttpClient", viaJdk, Duration.ofSeconds(5));
    measure("warm-up HttpDelivery", viaDelivery, Duration.ofSeconds(5));
    List<Double> jdkRates = new ArrayList<>();
    List<Double> deliveryRates = new ArrayList<>();
    for (int i = 1; i <= ROUNDS; i++) {
      jdkRates.add(measure("round " + i + " JDK HttpClient", viaJdk, round));
      deliveryRates.add(measure("round " + i + " HttpDelivery (HC5)", viaDelivery, round));
    }
    System.out.printf(Locale.ROOT, "median JDK HttpClient      %,10.0f req/s%n", median(jdkRates));
    System.out.printf(
        Locale.ROOT, "median HttpDelivery (HC5)  %,10.0f req/s%n", median(deliveryRates));

    delivery.close();
    jdk.close();
    sink.stop(0);
    System.exit(0);
  }

  private static double measure(String label, Request request, Duration duration)
      throws InterruptedException {
    LongAdder done = new LongAdder();
    LongAdder failed = new LongAdder();
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < CONCURRENCY; i++) {
        threads.submit(
            () -> {
              while (System.nanoTime() < end) {
                try {
                  if (request.send()) {
                    done.increment();
                  } else {
                    failed.increment();
                  }
                } catch (Exception e) {
                  failed.increment();
                }
              }
            });
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double rate = done.sum() / seconds;
    System.out.printf(Locale.ROOT, "%-32s %,10.0f req/s  (%d failed)%n", label, rate, failed.sum());
    return rate;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }
}
