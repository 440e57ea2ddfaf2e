package org.orzspark.datasets;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The stable id of a prompt: the first 16 hex digits (64 bits) of SHA-256 over the UTF-8 bytes of
 * the normalised question. Normalisation: Unicode NFKC, every run of whitespace (including line
 * breaks and U+2028) collapsed to one space, then trimmed. Case is kept ({@code X} and {@code x}
 * are different variables), and so is everything else, so two questions share an id exactly when
 * they differ only in Unicode form or spacing.
 */
public final class PromptId {

  /** Length of the id in hex digits. */
  public static final int LENGTH = 16;

  private static final Pattern WHITESPACE = Pattern.compile("[\\s\\p{Z}]+");

  private PromptId() {}

  public static String of(String question) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(normalise(question).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, LENGTH);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM provides SHA-256", e);
    }
  }

  /** NFKC, whitespace runs collapsed to one space, trimmed; not case-folded. */
  public static String normalise(String question) {
    String nfkc = Normalizer.normalize(question, Normalizer.Form.NFKC);
    return WHITESPACE.matcher(nfkc).replaceAll(" ").trim();
  }
}
