package eu.runlater.workflows;

import java.time.Instant;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * A workflow as the API shows it: one version of its definition ({@code version}; the newest is
 * {@code current_version}).
 *
 * @param archived whether it was deleted: it starts no run, its runs stay readable, and saving it
 *     again brings it back as a new version
 * @param definition the definition document of this version, as saved
 */
record WorkflowView(
    UUID id,
    String key,
    String name,
    int version,
    int currentVersion,
    boolean archived,
    Instant createdAt,
    Instant updatedAt,
    JsonNode definition) {}
