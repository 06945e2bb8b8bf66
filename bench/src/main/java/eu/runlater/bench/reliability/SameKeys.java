package eu.runlater.bench.reliability;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;

/** R7: 50 concurrent requests with one Idempotency-Key; 50 concurrent pushes with one dedup_id. */
final class SameKeys extends Scenario {
  SameKeys(Scenarios s) {
    super(s);
  }

  @Override
  String run() throws Exception {
    int rounds = scaled(5, 2);
    int concurrent = 50;
    try (Cluster c = standard()) {
      Load.createQueue(c, 30_000);
      int jobsOk = 0;
      int messagesOk = 0;
      List<String> lines = new ArrayList<>();
      for (int r = 1; r <= rounds; r++) {
        int round = r;
        long jobSeq = seqs.incrementAndGet();
        String jobBody = Api.jobJson("r7-" + round, c.ledger.url(jobSeq, 0), "2s", null, 30_000, 5);
        List<Api.Answer> jobAnswers =
            concurrently(
                c,
                concurrent,
                n -> c.api.send(n.base(), "POST", "/api/v1/jobs", jobBody, "r7-key-" + round));
        long msgSeq = seqs.incrementAndGet();
        String msgBody = Api.messageJson(null, c.ledger.url(msgSeq, 0), "r7-dedup-" + round);
        List<Api.Answer> msgAnswers =
            concurrently(
                c,
                concurrent,
                n ->
                    c.api.send(
                        n.base(),
                        "POST",
                        "/api/v1/queues/" + Load.QUEUE + "/messages",
                        msgBody,
                        null));
        long jobsInDb = c.db.queryLong("SELECT count(*) FROM jobs WHERE name = 'r7-" + round + "'");
        long messagesInDb =
            c.db.queryLong(
                "SELECT count(*) FROM messages WHERE dedup_id = 'r7-dedup-" + round + "'");
        Load.sleep(6_000);
        int jobDeliveries = c.ledger.arrivals(jobSeq).size();
        int msgDeliveries = c.ledger.arrivals(msgSeq).size();
        String line =
            ("round %d: jobs: answers %s, distinct ids %d, in the database %d, delivered %d;"
                    + " messages: answers %s, distinct ids %d, deduplicated=true %d, in the database %d, delivered %d")
                .formatted(
                    round,
                    statuses(jobAnswers),
                    distinct(jobAnswers, "id"),
                    jobsInDb,
                    jobDeliveries,
                    statuses(msgAnswers),
                    distinct(msgAnswers, "message_id"),
                    msgAnswers.stream()
                        .filter(a -> a.body().contains("\"deduplicated\":true"))
                        .count(),
                    messagesInDb,
                    msgDeliveries);
        lines.add(line);
        System.out.println("  " + line);
        if (jobsInDb == 1 && distinct(jobAnswers, "id") == 1 && jobDeliveries == 1) {
          jobsOk++;
        }
        if (messagesInDb == 1 && distinct(msgAnswers, "message_id") == 1 && msgDeliveries == 1) {
          messagesOk++;
        }
      }
      return verdict(
          jobsOk == rounds && messagesOk == rounds,
          "%d rounds of %d concurrent requests on %d nodes: exactly one job in %d of %d rounds, exactly one message in %d of %d"
              .formatted(rounds, concurrent, c.nodes.size(), jobsOk, rounds, messagesOk, rounds));
    }
  }

  private static List<Api.Answer> concurrently(
      Cluster c, int n, java.util.function.Function<Node, Api.Answer> call) throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    List<Api.Answer> answers = Collections.synchronizedList(new ArrayList<>());
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Node node = c.nodes.get(i % c.nodes.size());
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      go.await();
                    } catch (InterruptedException e) {
                      return;
                    }
                    answers.add(call.apply(node));
                  }));
    }
    go.countDown();
    for (Thread t : threads) {
      t.join();
    }
    return answers;
  }

  private static String statuses(List<Api.Answer> answers) {
    Map<String, Integer> m = new TreeMap<>();
    for (Api.Answer a : answers) {
      m.merge(a.status() + ("true".equals(a.replayed()) ? " replayed" : ""), 1, Integer::sum);
    }
    return m.toString();
  }

  private static long distinct(List<Api.Answer> answers, String field) {
    return answers.stream()
        .filter(Api.Answer::ok)
        .map(a -> Api.field(a.body(), field))
        .filter(java.util.Objects::nonNull)
        .distinct()
        .count();
  }
}
