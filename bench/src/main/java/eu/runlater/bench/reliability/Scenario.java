package eu.runlater.bench.reliability;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One scenario of the battery: {@link #run} runs it, prints its figures and returns its one-line
 * verdict. What the scenarios share (options, item numbers, the plain cluster, the outage probe) is
 * reached through {@link Scenarios}.
 */
abstract class Scenario {
  final Scenarios shared;
  final Battery.Options o;
  final AtomicLong seqs;

  Scenario(Scenarios shared) {
    this.shared = shared;
    this.o = shared.options();
    this.seqs = shared.seqs();
  }

  abstract String run() throws Exception;

  Cluster standard() throws Exception {
    return shared.standard();
  }

  Cluster cluster(String scenario, Cluster.Spec spec) throws Exception {
    return shared.cluster(scenario, spec);
  }

  Path dir(String scenario) {
    return shared.dir(scenario);
  }

  int scaled(int full, int min) {
    return shared.scaled(full, min);
  }

  static String verdict(boolean pass, String figures) {
    return Scenarios.verdict(pass, figures);
  }

  Thread probe(Cluster c, Load load, List<Scenarios.Probe> probes, int seconds) {
    return shared.probe(c, load, probes, seconds);
  }
}
