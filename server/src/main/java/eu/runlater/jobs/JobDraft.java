package eu.runlater.jobs;

import eu.runlater.engine.http.Header;
import java.util.List;
import java.util.Set;

/** A validated job, its secrets still in the clear (they are sealed as it is stored). */
record JobDraft(
    String name,
    String key,
    String url,
    String method,
    List<Header> headers,
    Set<String> secretHeaders,
    byte[] body,
    boolean secretBody,
    int timeoutMs,
    int retries,
    Schedule schedule,
    boolean enabled,
    Policies.CatchUp catchUp,
    Policies.Overlap overlap) {}
