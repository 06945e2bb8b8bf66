package eu.runlater.platform.requests;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Request and response bodies as the API shows them. */
public final class Bodies {
  private Bodies() {}

  /** The body as text when it is UTF-8, else base64 with a prefix saying so. */
  public static String text(byte[] body) {
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body)).toString();
    } catch (CharacterCodingException e) {
      return "base64:" + Base64.getEncoder().encodeToString(body);
    }
  }
}
