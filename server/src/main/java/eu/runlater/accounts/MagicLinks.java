package eu.runlater.accounts;

import static eu.runlater.accounts.MagicLinksQueries.*;

import eu.runlater.engine.SqlTime;
import eu.runlater.platform.crypto.Sha256;
import java.time.Instant;
import java.time.InstantSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authentication.ott.DefaultOneTimeToken;
import org.springframework.security.authentication.ott.GenerateOneTimeTokenRequest;
import org.springframework.security.authentication.ott.OneTimeToken;
import org.springframework.security.authentication.ott.OneTimeTokenAuthenticationToken;
import org.springframework.security.authentication.ott.OneTimeTokenService;
import org.springframework.stereotype.Service;

/**
 * Magic-link tokens for Spring Security's one-time-token sign-in: 256 random bits in the link, only
 * their SHA-256 in the database (shared by every node), spent by the statement that checks them, so
 * each link signs in once.
 */
@Service
class MagicLinks implements OneTimeTokenService {
  private final JdbcClient jdbc;
  private final InstantSource clock;

  MagicLinks(JdbcClient jdbc, InstantSource clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  @Override
  public OneTimeToken generate(GenerateOneTimeTokenRequest request) {
    String token = LinkTokens.generate();
    Instant now = clock.instant();
    Instant expiresAt = now.plus(request.getExpiresIn());
    if (Users.emailProblem(request.getUsername()) != null) {
      // Not an address: SignInFlow.handle refuses it and mails nothing, so store nothing either.
      return new DefaultOneTimeToken(token, request.getUsername(), expiresAt);
    }
    jdbc.sql(MAGIC_LINK_INSERT)
        .param("token_hash", Sha256.of(token))
        .param("email", request.getUsername())
        .param("now", SqlTime.ts(now))
        .param("expires_at", SqlTime.ts(expiresAt))
        .update();
    // Keeps the table to live links without a separate sweeper.
    jdbc.sql(MAGIC_LINKS_PURGE).param("now", SqlTime.ts(now)).update();
    return new DefaultOneTimeToken(token, request.getUsername(), expiresAt);
  }

  /** The link's token, spent; null (refused) when it is unknown, used or expired. */
  @Override
  public OneTimeToken consume(OneTimeTokenAuthenticationToken authentication) {
    String token = authentication.getTokenValue();
    if (token == null || token.isBlank()) {
      return null;
    }
    return jdbc.sql(MAGIC_LINK_SPEND)
        .param("token_hash", Sha256.of(token))
        .param("now", SqlTime.ts(clock.instant()))
        .query(
            (rs, n) ->
                (OneTimeToken)
                    new DefaultOneTimeToken(
                        token, rs.getString("email"), SqlTime.instant(rs, "expires_at")))
        .optional()
        .orElse(null);
  }
}
