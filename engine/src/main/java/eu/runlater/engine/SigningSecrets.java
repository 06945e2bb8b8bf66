package eu.runlater.engine;

import java.util.List;
import java.util.UUID;

/** The {@code whsec_} secrets an organization's deliveries are signed with, current first. */
@FunctionalInterface
public interface SigningSecrets {
  List<String> forOrganization(UUID organizationId);
}
