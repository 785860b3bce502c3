package dev.rewardstream.model;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The {@link Featurizer#tokens} of a text as their UTF-8 bytes in one buffer, written straight from the code points:
 * hashing needs the bytes, and building a String per token only to encode it again was a third of the featurizer's
 * time.
 * Tokens never hold a surrogate (a surrogate is no letter or digit), so this is exactly {@code getBytes(UTF_8)} of
 * each token.
 */
final class TokenBytes {

  static final TokenBytes EMPTY = new TokenBytes(new byte[0]);

  /** For each ASCII char: 0 when it is no letter or digit, else its lower-cased byte. */
  private static final byte[] ASCII_TOKEN_BYTES = new byte[0x80];

  static {
    for (int c = 0; c < 0x80; c++) {
      if (Character.isLetterOrDigit(c)) {
        ASCII_TOKEN_BYTES[c] = (byte) Character.toLowerCase(c);
      }
    }
  }

  /** Every token's bytes, back to back; token t is [start(t), end(t)). */
  private byte[] bytes;
  private int length;
  /** Token t spans bytes [ends[t - 1], ends[t]), with ends[-1] = 0. */
  private int[] ends = new int[16];
  private int size;

  private TokenBytes(byte[] bytes) {
    this.bytes = bytes;
  }

  static TokenBytes of(String text) {
    // Lower-casing never needs more than 3 UTF-8 bytes per char of the text (4 per surrogate pair).
    TokenBytes tokens = new TokenBytes(new byte[3 * text.length()]);
    boolean inToken = false;
    for (int i = 0; i < text.length(); ) {
      char c = text.charAt(i);
      if (c < 0x80) {
        // Most text is ASCII: a table lookup instead of the Unicode property and case-mapping calls.
        byte lower = ASCII_TOKEN_BYTES[c];
        if (lower != 0) {
          tokens.bytes[tokens.length++] = lower;
          inToken = true;
        } else if (inToken) {
          tokens.endToken();
          inToken = false;
        }
        i++;
        continue;
      }
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (Character.isLetterOrDigit(cp)) {
        tokens.append(Character.toLowerCase(cp));
        inToken = true;
      } else if (inToken) {
        tokens.endToken();
        inToken = false;
      }
    }
    if (inToken) {
      tokens.endToken();
    }
    return tokens;
  }

  private void append(int cp) {
    if (length + 4 > bytes.length) {
      bytes = Arrays.copyOf(bytes, 2 * bytes.length + 4);
    }
    if (cp < 0x80) {
      bytes[length++] = (byte) cp;
    } else if (cp < 0x800) {
      bytes[length++] = (byte) (0xc0 | cp >> 6);
      bytes[length++] = (byte) (0x80 | cp & 0x3f);
    } else if (cp < 0x10000) {
      bytes[length++] = (byte) (0xe0 | cp >> 12);
      bytes[length++] = (byte) (0x80 | cp >> 6 & 0x3f);
      bytes[length++] = (byte) (0x80 | cp & 0x3f);
    } else {
      bytes[length++] = (byte) (0xf0 | cp >> 18);
      bytes[length++] = (byte) (0x80 | cp >> 12 & 0x3f);
      bytes[length++] = (byte) (0x80 | cp >> 6 & 0x3f);
      bytes[length++] = (byte) (0x80 | cp & 0x3f);
    }
  }

  private void endToken() {
    if (size == ends.length) {
      ends = Arrays.copyOf(ends, 2 * size);
    }
    ends[size++] = length;
  }

  int size() {
    return size;
  }

  int start(int token) {
    return token == 0 ? 0 : ends[token - 1];
  }

  int end(int token) {
    return ends[token];
  }

  byte[] bytes() {
    return bytes;
  }

  List<String> strings() {
    List<String> strings = new ArrayList<>(size);
    for (int t = 0; t < size; t++) {
      strings.add(new String(bytes, start(t), end(t) - start(t), StandardCharsets.UTF_8));
    }
    return strings;
  }
}

/**
 * Hashes "{namespace}1:{token}" and "{namespace}2:{previous} {token}" as UTF-8 bytes assembled in one reusable
 * buffer: the same hashes as hashing those strings, without building them.
 */
