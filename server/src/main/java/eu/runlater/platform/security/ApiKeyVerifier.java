package eu.runlater.platform.security;

import org.springframework.security.authentication.BadCredentialsException;

/** Checks a bearer token; implemented by the accounts feature. */
public interface ApiKeyVerifier {

  /**
   * The principal a valid, unrevoked key stands for.
   *
   * @throws BadCredentialsException with a message a client can act on, for a malformed, unknown,
   *     wrong or revoked key
   */
  ApiPrincipal verify(String token);
}
