package eu.runlater.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files and folders only the process's user may read: the secret key, the database passwords, the
 * unpacked PostgreSQL binaries. On file systems without POSIX permissions these are best effort.
 */
public final class OwnerOnlyFiles {
  public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> FOLDER =
      PosixFilePermissions.fromString("rwx------");

  private OwnerOnlyFiles() {}

  /**
   * Creates {@code file} readable by its owner only from the first byte (no window in which the
   * umask's mode applies); fails if it exists.
   */
  public static Path create(Path file) throws IOException {
    try {
      return Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
    } catch (UnsupportedOperationException notPosix) {
      return Files.createFile(file);
    }
  }

  /** Sets {@code path} to 0600 (a file) or 0700 (a folder); true when its mode had to change. */
  public static boolean restrict(Path path) throws IOException {
    Set<PosixFilePermission> wanted = Files.isDirectory(path) ? FOLDER : FILE;
    try {
      if (Files.getPosixFilePermissions(path).equals(wanted)) {
        return false;
      }
      Files.setPosixFilePermissions(path, wanted);
      return true;
    } catch (UnsupportedOperationException notPosix) {
      return false;
    }
  }
}
