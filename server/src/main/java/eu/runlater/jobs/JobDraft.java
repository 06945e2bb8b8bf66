package eu.runlater.jobs;

import eu.runlater.engine.Header;
import eu.runlater.platform.requests.RequestRules;
import java.util.List;
import java.util.Set;

/** A validated job, its secrets still in the clear (they are sealed as it is stored). */
record JobDraft(
    String name,
    String key,
    RequestRules.Draft request,
    int retries,
    Schedule schedule,
    boolean enabled,
    Policies.CatchUp catchUp,
    Policies.Overlap overlap) {

  JobDraft withEnabled(boolean enabled) {
    return new JobDraft(name, key, request, retries, schedule, enabled, catchUp, overlap);
  }

  String url() {
    return request.url();
  }

  String method() {
    return request.method();
  }

  List<Header> headers() {
    return request.headers();
  }

  Set<String> secretHeaders() {
    return request.secretHeaders();
  }

  byte[] body() {
    return request.body();
  }

  boolean secretBody() {
    return request.secretBody();
  }

  int timeoutMs() {
    return request.timeoutMs();
  }
}
