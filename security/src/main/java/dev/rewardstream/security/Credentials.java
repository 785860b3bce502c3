package dev.rewardstream.security;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The password of each principal of a secured platform, kept in one owner-only file ({@code credentials.properties})
 * and generated on first use. The same password authenticates the principal to Kafka (SCRAM-SHA-512) and to the schema
 * registry (basic auth), so rotating it is one step.
 */
public final class Credentials {

  private static final int PASSWORD_BYTES = 24;

  private final Path file;
  private final Map<String, String> passwords;

  private Credentials(Path file, Map<String, String> passwords) {
    this.file = file;
    this.passwords = passwords;
  }

  /** Loads {@code file}, giving every one of {@code principals} that has no password yet a new one. */
  public static Credentials ensure(Path file, Collection<String> principals) {
    Map<String, String> passwords = new TreeMap<>();
    if (Files.exists(file)) {
      Properties props = new Properties();
      try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        props.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      }
      props.stringPropertyNames().forEach(name -> passwords.put(name, props.getProperty(name)));
    }
    Credentials credentials = new Credentials(file, passwords);
    boolean added = false;
    for (String principal : principals) {
      if (!passwords.containsKey(principal)) {
        passwords.put(principal, SecretFiles.randomToken(PASSWORD_BYTES));
        added = true;
      }
    }
    if (added || !Files.exists(file)) {
      credentials.save();
    }
    return credentials;
  }

  public String password(String principal) {
    String password = passwords.get(principal);
    if (password == null) {
      throw new IllegalArgumentException("no principal named " + principal + " in " + file);
    }
    return password;
  }

  public Collection<String> principals() {
    return passwords.keySet();
  }

  /** Gives {@code principal} a new password and saves it; the platform applies it at its next start. */
  public String rotate(String principal) {
    password(principal);
    String fresh = SecretFiles.randomToken(PASSWORD_BYTES);
    passwords.put(principal, fresh);
    save();
    return fresh;
  }

  /** Whether {@code user} has {@code password}, compared in constant time. */
  public boolean matches(String user, String password) {
    String expected = passwords.get(user);
    return expected != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
        password.getBytes(StandardCharsets.UTF_8));
  }

  private void save() {
    Properties props = new Properties();
    props.putAll(passwords);
    StringWriter text = new StringWriter();
    try {
      props.store(text, "rewardstream principals: SCRAM-SHA-512 and schema-registry passwords; keep this file private");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    SecretFiles.write(file, text.toString());
  }

  @Override
  public String toString() {
    return "Credentials[" + file + ", principals " + passwords.keySet() + "]";
  }
}
