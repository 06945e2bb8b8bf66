package eu.runlater.platform.requests;

import eu.runlater.engine.Header;
import eu.runlater.engine.SealedRequests;
import eu.runlater.engine.SecretBox;
import eu.runlater.engine.TaskRequest;
import java.util.List;

/**
 * A request as stored: plain headers, the secret ones sealed together, and a body that may be
 * sealed. The same sealed bytes go into each task, so secrets are encrypted once.
 *
 * @param secretHeaderNames every header name that is sealed (named by the caller, or one whose name
 *     says it carries credentials)
 */
public record SealedRequest(TaskRequest request, List<String> secretHeaderNames) {

  public static SealedRequest of(SecretBox secrets, RequestRules.Draft draft) {
    TaskRequest sealed =
        SealedRequests.seal(
            secrets,
            draft.url(),
            draft.method(),
            draft.headers(),
            draft.secretHeaders(),
            draft.body(),
            draft.secretBody(),
            draft.timeoutMs());
    List<String> secretNames =
        draft.headers().stream()
            .map(Header::name)
            .filter(
                n ->
                    SealedRequests.looksSecret(n)
                        || draft.secretHeaders().stream().anyMatch(s -> s.equalsIgnoreCase(n)))
            .toList();
    return new SealedRequest(sealed, secretNames);
  }
}
