package eu.runlater.bench.reliability;

import eu.runlater.engine.SecretBox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What a scenario runs on: one PostgreSQL ({@link Database}), {@code n} server processes ({@link
 * Node}) sharing it, the recording sink ({@link Ledger}), and the API key the instance's first
 * start printed. Optionally one node reaches the database through a {@link CutProxy} the scenario
 * can sever.
 */
final class Cluster implements AutoCloseable {
  /** Lets the harness read a node's {@code /actuator/prometheus} with a bearer token. */
  static final String METRICS_TOKEN = "battery-metrics-token-0123456789abcdef0123456789";

  /** Start-up on a busy 2-core machine takes minutes: how long a node may take to be ready. */
  static final Duration READY_PATIENCE = Duration.ofMinutes(8);

  final Database db;
  final Ledger ledger;
  final List<Node> nodes = new ArrayList<>();
  final Api api;
  final CutProxy proxy;
  private final Path dir;

  /** How a scenario wants its cluster. */
  record Spec(
      int nodes,
      int proxiedNode,
      Map<Integer, List<String>> jvmOptionsPerNode,
      List<String> springArgs,
      Path tablespace) {
    static Spec of(int nodes) {
      return new Spec(nodes, -1, Map.of(), List.of(), null);
    }

    /** Node {@code node} (1-based) reaches PostgreSQL through a {@link CutProxy}. */
    Spec proxied(int node) {
      return new Spec(nodes, node, jvmOptionsPerNode, springArgs, tablespace);
    }

    Spec jvmOptions(int node, List<String> options) {
      Map<Integer, List<String>> m = new HashMap<>(jvmOptionsPerNode);
      m.put(node, options);
      return new Spec(nodes, proxiedNode, m, springArgs, tablespace);
    }

    Spec args(String... args) {
      return new Spec(nodes, proxiedNode, jvmOptionsPerNode, List.of(args), tablespace);
    }

    /** The nodes' database lives in a tablespace at this (empty) directory. */
    Spec tablespace(Path location) {
      return new Spec(nodes, proxiedNode, jvmOptionsPerNode, springArgs, location);
    }
  }

  private Cluster(Path dir, Database db, Ledger ledger, CutProxy proxy, List<Node> nodes, Api api) {
    this.dir = dir;
    this.db = db;
    this.ledger = ledger;
    this.proxy = proxy;
    this.nodes.addAll(nodes);
    this.api = api;
  }

  static Cluster start(Path dir, Path jar, Spec spec, String heap) throws Exception {
    Files.createDirectories(dir);
    Database db = Database.start(dir.resolve("postgres"), spec.tablespace());
    Ledger ledger = Ledger.start();
    CutProxy proxy = spec.proxiedNode() >= 0 ? CutProxy.start(db.port()) : null;
    String secretKey = SecretBox.generateKey();
    List<Node> nodes = new ArrayList<>();
    for (int i = 1; i <= spec.nodes(); i++) {
      Map<String, String> env = new HashMap<>();
      int dbPort = proxy != null && i == spec.proxiedNode() ? proxy.port() : db.port();
      env.put("DATABASE_URL", db.url(dbPort));
      env.put("RUNLATER_SECRET_KEY", secretKey);
      env.put("RUNLATER_DATA_DIR", dir.resolve("node-" + i).toAbsolutePath().toString());
      env.put("RUNLATER_ALLOW_PRIVATE_TARGETS", "127.0.0.0/8");
      env.put("RUNLATER_RATE_LIMITS", "false");
      env.put("RUNLATER_CAP_PRO_WAITING_MESSAGES", "100000000");
      env.put("RUNLATER_METRICS_TOKEN", METRICS_TOKEN);
      List<String> jvm = new ArrayList<>(List.of("-Xmx" + heap, "-XX:+UseSerialGC"));
      String nodeOpts = System.getenv("NODE_OPTS");
      if (nodeOpts != null && !nodeOpts.isBlank()) {
        jvm.addAll(List.of(nodeOpts.trim().split("\\s+")));
      }
      jvm.addAll(spec.jvmOptionsPerNode().getOrDefault(i, List.of()));
      nodes.add(new Node(i, jar, dir, env, jvm, spec.springArgs()));
    }
    String key;
    try {
      // The first node migrates the schema and bootstraps the instance (prints the API key); the
      // others start once it is ready.
      Node first = nodes.getFirst();
      first.launch();
      long firstMs = first.awaitReady(READY_PATIENCE);
      key = first.printedApiKey();
      if (key == null) {
        throw new IllegalStateException("the first node printed no API key; see its log");
      }
      List<Long> ready = new ArrayList<>(List.of(firstMs));
      for (Node n : nodes.subList(1, nodes.size())) {
        n.launch();
      }
      for (Node n : nodes.subList(1, nodes.size())) {
        ready.add(n.awaitReady(READY_PATIENCE));
      }
      System.out.printf(
          "  cluster: %d nodes ready (start-to-ready ms %s), PostgreSQL on port %d%n",
          nodes.size(), ready, db.port());
    } catch (Exception e) {
      // Leave nothing running behind a cluster that did not come up.
      for (Node n : nodes) {
        n.stopQuietly();
      }
      if (proxy != null) {
        proxy.close();
      }
      ledger.close();
      db.close();
      throw e;
    }
    Cluster c = new Cluster(dir, db, ledger, proxy, nodes, new Api(key));
    return c;
  }

  /** Nodes whose process is running, for the load to spread over. */
  List<Node> alive() {
    return nodes.stream().filter(Node::alive).toList();
  }

  Node random() {
    List<Node> alive = alive();
    return alive.get(ThreadLocalRandom.current().nextInt(alive.size()));
  }

  /** The ids of the tasks node {@code n} has running (its engine's node id claimed them). */
  List<String> runningTaskIdsOf(Node n) {
    return List.copyOf(runningTasksOf(n).keySet());
  }

  /**
   * The tasks node {@code n} has running, each with the attempt number it holds (the {@code
   * Runlater-Attempt} it sends), in no particular order: an arrival of the same task with a higher
   * attempt is a re-delivery by another claim.
   */
  Map<String, Integer> runningTasksOf(Node n) {
    Map<String, Integer> held = new HashMap<>();
    for (String row :
        db.queryStrings(
            "SELECT id || '|' || attempt FROM tasks WHERE state = 'running' AND claimed_by LIKE '"
                + n.nodeIdPattern()
                + "'")) {
      int bar = row.indexOf('|');
      held.put(row.substring(0, bar), Integer.parseInt(row.substring(bar + 1)));
    }
    return held;
  }

  /** Tasks still ready or running, and messages still waiting or queued. */
  long[] unfinished() {
    return new long[] {
      db.queryLong("SELECT count(*) FROM tasks WHERE state = 'ready'"),
      db.queryLong("SELECT count(*) FROM tasks WHERE state = 'running'"),
      db.queryLong("SELECT count(*) FROM messages WHERE state IN ('waiting', 'queued')")
    };
  }

  /** A counter or gauge summed over the lines of a node's Prometheus page; NaN if unreachable. */
  double metric(Node n, String name) {
    try {
      var req =
          java.net.http.HttpRequest.newBuilder(n.base().resolve("/actuator/prometheus"))
              .header("Authorization", "Bearer " + METRICS_TOKEN)
              .timeout(Duration.ofSeconds(10))
              .build();
      String body = api.client.send(req, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
      double sum = 0;
      boolean found = false;
      for (String line : body.split("\n")) {
        if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
          found = true;
        }
      }
      return found ? sum : 0;
    } catch (Exception e) {
      return Double.NaN;
    }
  }

  Path dir() {
    return dir;
  }

  /** A cluster shared by several scenarios: closing it at a scenario's end does nothing. */
  private boolean shared;

  Cluster shared() {
    shared = true;
    return this;
  }

  /**
   * Before a scenario on a shared cluster: every node that a previous scenario left stopped is
   * started again, and all are ready.
   */
  void ready() throws Exception {
    for (Node n : nodes) {
      if (!n.alive()) {
        n.launch();
      }
    }
    for (Node n : nodes) {
      n.awaitReady(READY_PATIENCE);
    }
  }

  @Override
  public void close() throws IOException {
    if (!shared) {
      closeNow();
    }
  }

  void closeNow() throws IOException {
    for (Node n : nodes) {
      n.stopQuietly();
    }
    if (proxy != null) {
      proxy.close();
    }
    ledger.close();
    db.close();
  }
}
