package dev.rewardstream.serde;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Which client settings hold secrets, so that nothing the project prints, logs or dead-letters shows their values. */
public final class Secrets {

  public static final String HIDDEN = "[hidden]";

  private Secrets() {}

  /**
   * Whether a setting's value may be a secret: passwords, JAAS configurations (they carry the password), registry user
   * info, bearer tokens and private keys. Errs on the side of hiding.
   */
  public static boolean isSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.contains("password") || k.contains("jaas") || k.contains("user.info") || k.contains("token")
        || k.contains("secret") || k.endsWith(".key") || k.contains("keystore.key");
  }

  /** {@code settings} with every secret value replaced by {@link #HIDDEN}, sorted by key. */
  public static Map<String, String> redacted(Map<String, String> settings) {
    Map<String, String> shown = new TreeMap<>();
    settings.forEach((key, value) -> shown.put(key, isSecret(key) ? HIDDEN : value));
    return shown;
  }
}
