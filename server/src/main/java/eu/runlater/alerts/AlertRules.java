package eu.runlater.alerts;

import java.util.UUID;
import org.springframework.stereotype.Service;

/**
 * The organization's default rule and the overrides per job, queue and monitor. Writes are checked:
 * a bad value is an {@code ApiProblem} 422 naming the field, and changes nothing.
 */
@Service
public class AlertRules {

  /** The organization's defaults as stored (nulls: built-in). */
  public RuleSettings defaults(UUID organizationId) {
    throw new UnsupportedOperationException("built by the rules branch");
  }

  /** A subject's override as stored ({@link RuleSettings#INHERIT} if none). */
  public RuleSettings override(UUID organizationId, String subjectKind, UUID subjectId) {
    throw new UnsupportedOperationException("built by the rules branch");
  }

  /** What applies to a subject: its override over the defaults over the built-in rule. */
  public RuleSettings effective(UUID organizationId, String subjectKind, UUID subjectId) {
    throw new UnsupportedOperationException("built by the rules branch");
  }

  public RuleSettings putDefaults(UUID organizationId, RuleSettings settings) {
    throw new UnsupportedOperationException("built by the rules branch");
  }

  public RuleSettings putOverride(
      UUID organizationId, String subjectKind, UUID subjectId, RuleSettings settings) {
    throw new UnsupportedOperationException("built by the rules branch");
  }

  /** Back to the defaults. */
  public void deleteOverride(UUID organizationId, String subjectKind, UUID subjectId) {
    throw new UnsupportedOperationException("built by the rules branch");
  }
}
