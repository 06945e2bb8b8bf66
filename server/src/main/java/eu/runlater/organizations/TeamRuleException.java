package eu.runlater.organizations;

/**
 * A team change the rules refuse whatever the role (the last owner leaving, a full free tier, an
 * address already invited); the message says what to do instead.
 */
class TeamRuleException extends RuntimeException {
  public TeamRuleException(String message) {
    super(message);
  }
}
