package eu.runlater.organizations;

import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Whom tenants are told to ask for a tier change ({@code RUNLATER_OPERATOR_CONTACT}): free text, an
 * email address or a web address the operator chose to publish. Never the superadmin's sign-in
 * address: shown to every tenant, that would name the account whose sign-in anyone could lock by
 * failing on purpose. Unset, the billing page just says to ask the operator.
 */
@Component
class OperatorContact {
  static final int MAX_LENGTH = 200;
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+$");

  private volatile String text;

  OperatorContact(@Value("${runlater.operator-contact:}") String setting) {
    this.text = parse(setting);
  }

  /** Replaces the contact at run time (tests share one context). */
  void set(String setting) {
    this.text = parse(setting);
  }

  /** The contact as set (trimmed), or null when unset; refuses what cannot be shown on a page. */
  static String parse(String setting) {
    if (setting == null || setting.isBlank()) {
      return null;
    }
    String trimmed = setting.strip();
    if (trimmed.length() > MAX_LENGTH || trimmed.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalStateException(
          "RUNLATER_OPERATOR_CONTACT must be one line of at most "
              + MAX_LENGTH
              + " characters (an email address, a web address or a short text), got "
              + trimmed.length()
              + " characters");
    }
    return trimmed;
  }

  /** What to show, or null when unset. */
  public String text() {
    return text;
  }

  /** A link for it: mailto: for an email address, the address itself for http(s); else null. */
  public String href() {
    if (text == null) {
      return null;
    }
    if (EMAIL.matcher(text).matches()) {
      return "mailto:" + text;
    }
    if ((text.startsWith("https://") || text.startsWith("http://")) && !text.contains(" ")) {
      return text;
    }
    return null;
  }
}
