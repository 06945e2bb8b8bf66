package eu.runlater.accounts;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Who may create an account, bound from {@code runlater.signup.*}.
 *
 * @param mode {@code RUNLATER_SIGNUP}: {@code open} (anyone), {@code invite} (only someone holding
 *     a live invitation to an organization; the default) or {@code closed} (nobody: only the setup
 *     link and existing accounts)
 */
@ConfigurationProperties("runlater.signup")
record SignupProperties(String mode) {
  public static final String DEFAULT_MODE = "invite";

  public SignupProperties {
    mode = mode == null || mode.isBlank() ? DEFAULT_MODE : mode.strip();
    SignupPolicy.Mode.of(mode);
  }
}
