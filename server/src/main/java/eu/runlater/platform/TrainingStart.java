package eu.runlater.platform;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The build's training start (server/pom.xml, profile aot-cache: {@value #PROPERTY}): the server
 * starts as {@code ./run} starts it, answers the requests a first visitor makes, then stops as on
 * SIGTERM, so that the JDK's AOT cache holds (and has profiles for) the classes of the start
 * <em>and</em> of the request path. Without the requests, a restarted node's first answer loaded
 * and linked Tomcat's, Spring MVC's and Jackson's request classes from the jars: about a fifth of a
 * second for the first {@code GET /health}, and a slower first minute for everything else.
 *
 * <p>The first requests need no account: health, the sign-in page, the API and a queue push without
 * a key (a 401 problem document), an unknown page. Then the write paths a client drives hardest are
 * trained with the API key the first start made ({@link #firstStartKey}, the training database is
 * new): single pushes to a paused queue and one-time job creates due in 30 days, {@value
 * #WRITE_THREADS} at a time so that grouped commits batch them, as under load (bench {@code
 * --phases fresh} measures a fresh node's first minute). They go over a plain socket (HTTP/1.1,
 * {@code Connection: close}), so no HTTP client library of the JDK's enters the cache. Once the
 * ready event's other listeners ran (main has returned), the application exits as on SIGTERM and
 * the embedded PostgreSQL stops with it.
 */
public final class TrainingStart implements ApplicationListener<ApplicationReadyEvent> {
  /** The system property that makes a start a training start. */
  public static final String PROPERTY = "runlater.exit-when-ready";

  private static final Logger log = LoggerFactory.getLogger(TrainingStart.class);
  private static final int ROUNDS = 20;

  /** What a first visitor asks: method and path. */
  static final List<String[]> REQUESTS =
      List.of(
          new String[] {"GET", "/health"},
          new String[] {"GET", "/login"},
          new String[] {"GET", "/api/v1/jobs"},
          new String[] {"POST", "/api/v1/queues/training/messages"},
          new String[] {"GET", "/"});

  static final int WRITE_THREADS = 4;
  static final int WRITE_ROUNDS = 100;

  /** A write a client makes: method, path and JSON body. */
  static final List<String[]> WRITES =
      List.of(
          new String[] {
            "POST",
            "/api/v1/queues/training/messages",
            "{\"url\":\"https://example.com/training\",\"body\":{\"n\":1}}"
          },
          new String[] {
            "POST",
            "/api/v1/jobs",
            "{\"name\":\"training\",\"url\":\"https://example.com/training\","
                + "\"schedule\":{\"type\":\"once\",\"delay\":\"720h\"}}"
          });

  private static volatile String firstStartKey;

  /**
   * The API key a first start printed, kept for the write requests when this is a training start
   * (ignored otherwise: no key is kept in any other JVM).
   */
  public static void firstStartKey(String token) {
    if (enabled()) {
      firstStartKey = token;
    }
  }

  /** Whether this JVM is the build's training start. */
  public static boolean enabled() {
    return Boolean.getBoolean(PROPERTY);
  }

  @Override
  public void onApplicationEvent(ApplicationReadyEvent ready) {
    ConfigurableApplicationContext context = ready.getApplicationContext();
    Thread main = Thread.currentThread();
    Thread.ofPlatform()
        .name("training-start")
        .start(
            () -> {
              try {
                main.join();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              if (context instanceof WebServerApplicationContext web) {
                int port = web.getWebServer().getPort();
                train(port);
                if (firstStartKey != null) {
                  trainWrites(port, firstStartKey);
                } else {
                  log.warn("No first-start key: the write paths are not trained");
                }
              }
              System.exit(SpringApplication.exit(context));
            });
  }

  /** Asks every request {@value #ROUNDS} times; logs how they were answered. */
  static Map<String, Integer> train(int port) {
    Map<String, Integer> answers = new TreeMap<>();
    List<String> failures = new ArrayList<>();
    for (int round = 0; round < ROUNDS; round++) {
      for (String[] request : REQUESTS) {
        String name = request[0] + " " + request[1];
        try {
          answers.put(name, status(port, request[0], request[1]));
        } catch (IOException | RuntimeException e) {
          failures.add(name + ": " + e.getMessage());
        }
      }
    }
    if (failures.isEmpty()) {
      log.info("Training requests answered ({} rounds): {}", ROUNDS, answers);
    } else {
      log.warn(
          "Training requests failed (the cache covers less of the request path): {}", failures);
    }
    return answers;
  }

  /**
   * Pauses the queue {@code training} and sends each of {@link #WRITES} {@value #WRITE_ROUNDS}
   * times from each of {@value #WRITE_THREADS} threads with {@code key}; logs and answers how they
   * were answered (the last status of each).
   */
  static Map<String, Integer> trainWrites(int port, String key) {
    Map<String, Integer> answers = new java.util.concurrent.ConcurrentSkipListMap<>();
    List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    try {
      answers.put(
          "PUT /api/v1/queues/training",
          status(port, "PUT", "/api/v1/queues/training", key, "{\"paused\":true}"));
    } catch (IOException | RuntimeException e) {
      failures.add("PUT /api/v1/queues/training: " + e.getMessage());
    }
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < WRITE_THREADS; t++) {
      threads.add(
          Thread.ofPlatform()
              .name("training-writes-" + t)
              .start(
                  () -> {
                    for (int round = 0; round < WRITE_ROUNDS; round++) {
                      for (String[] write : WRITES) {
                        String name = write[0] + " " + write[1];
                        try {
                          answers.put(name, status(port, write[0], write[1], key, write[2]));
                        } catch (IOException | RuntimeException e) {
                          failures.add(name + ": " + e.getMessage());
                        }
                      }
                    }
                  }));
    }
    for (Thread thread : threads) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (failures.isEmpty()) {
      log.info(
          "Training writes answered ({} threads, {} rounds): {}",
          WRITE_THREADS,
          WRITE_ROUNDS,
          answers);
    } else {
      log.warn("Training writes failed (the cache covers less of the write paths): {}", failures);
    }
    return answers;
  }

  /** The status code of one request, read from the response's status line. */
  static int status(int port, String method, String path) throws IOException {
    return status(port, method, path, null, null);
  }

  /** As {@link #status(int, String, String)}, with a bearer key and a JSON body when not null. */
  static int status(int port, String method, String path, String key, String json)
      throws IOException {
    byte[] body =
        json == null ? new byte[0] : json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          (method
                  + " "
                  + path
                  + " HTTP/1.1\r\nHost: localhost\r\nAccept: */*\r\nContent-Length: "
                  + body.length
                  + "\r\n"
                  + (key == null ? "" : "Authorization: Bearer " + key + "\r\n")
                  + (json == null ? "" : "Content-Type: application/json\r\n")
                  + "Connection: close\r\n\r\n")
              .getBytes(US_ASCII));
      out.write(body);
      out.flush();
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), US_ASCII);
      if (!response.startsWith("HTTP/1.1 ") || response.length() < 12) {
        throw new IOException("not an HTTP/1.1 response: " + response.lines().findFirst());
      }
      return Integer.parseInt(response.substring(9, 12));
    }
  }
}
