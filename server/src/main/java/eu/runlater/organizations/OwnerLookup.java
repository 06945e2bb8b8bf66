package eu.runlater.organizations;

import java.util.Collection;
import java.util.Optional;
import java.util.UUID;

/**
 * Which organization owns what a dashboard path shows (a job, an execution, a message, a queue), so
 * that a page of another of the viewer's organizations offers to switch there instead of a bare
 * "not found". Each module that owns such pages implements it for its own paths.
 *
 * <p>An implementation looks only among {@code candidates} (the organizations the viewer belongs
 * to): whether an id exists in any other organization is never revealed, not even by timing a
 * different query.
 */
public interface OwnerLookup {

  /**
   * The organization among {@code candidates} that owns what {@code path} shows; empty when none
   * does, or when the path is not one of this module's.
   */
  Optional<Owner> ownerOf(String path, Collection<UUID> candidates);

  /**
   * The id in {@code path} right after {@code prefix} ({@code /jobs/} in {@code /jobs/<id>/edit}),
   * or empty when the path does not start so or the id is not one.
   */
  static Optional<UUID> idAfter(String prefix, String path) {
    String segment = segmentAfter(prefix, path);
    if (segment == null || segment.length() != 36) {
      return Optional.empty();
    }
    try {
      return Optional.of(UUID.fromString(segment));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The path segment right after {@code prefix}, or null. */
  static String segmentAfter(String prefix, String path) {
    if (path == null || !path.startsWith(prefix)) {
      return null;
    }
    String rest = path.substring(prefix.length());
    int end = rest.indexOf('/');
    String segment = end < 0 ? rest : rest.substring(0, end);
    return segment.isEmpty() ? null : segment;
  }

  /**
   * @param organizationId the owning organization
   * @param what what the path shows, as the page names it ("job", "execution", "message", "queue")
   */
  record Owner(UUID organizationId, String what) {}
}
