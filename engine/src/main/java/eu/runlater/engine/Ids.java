package eu.runlater.engine;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.UUID;

/**
 * UUIDv7 identifiers (RFC 9562): 48 bits of Unix milliseconds, then random bits. Ids sort by
 * creation time, so b-tree inserts stay at the right edge and a row's id tells which time partition
 * holds it.
 */
public final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {}

  /** A new UUIDv7 stamped with the given instant (millisecond precision). */
  public static UUID v7(Instant at) {
    long millis = at.toEpochMilli();
    long randA = RANDOM.nextLong();
    long randB = RANDOM.nextLong();
    long msb = (millis << 16) | 0x7000L | (randA & 0x0FFFL);
    long lsb = (randB & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(msb, lsb);
  }

  /** The creation instant a UUIDv7 carries, to the millisecond. */
  public static Instant instantOf(UUID v7) {
    if (v7.version() != 7) {
      throw new IllegalArgumentException("not a UUIDv7: " + v7);
    }
    return Instant.ofEpochMilli(v7.getMostSignificantBits() >>> 16);
  }
}
