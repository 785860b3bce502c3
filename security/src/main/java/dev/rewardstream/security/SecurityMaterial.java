package dev.rewardstream.security;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The TLS material of a secured platform, generated once into its data directory and reused at every start: a CA of
 * its own, and one certificate for the host, signed by it, that every server of the platform presents (brokers,
 * registry, scoring API, dashboard) and that the brokers also present to each other. Clients trust the CA
 * ({@code ca.p12}); nothing else is needed to verify the platform. The stores' password is not a secret in itself (the
 * files are owner-only) but is hidden like one.
 *
 * @param dir where the files are
 * @param truststore PKCS12 with the CA's certificate
 * @param keystore PKCS12 with the host's key and its chain
 * @param storePassword the password of both stores
 */
public record SecurityMaterial(Path dir, Path truststore, Path keystore, String storePassword) {

  /** The subject of the host certificate: the brokers' own principal ({@code User:CN=rewardstream-broker}). */
  public static final String BROKER_CN = "rewardstream-broker";
  private static final String CA_CN = "rewardstream-ca";
  private static final String ALIAS = "rewardstream";
  private static final Duration VALIDITY = Duration.ofDays(825);

  /**
   * Loads the material in {@code dir}, generating what is missing. The host certificate names 127.0.0.1, localhost and
   * {@code hosts}; a start with a host it does not name issues a new host certificate from the same CA.
   */
  public static SecurityMaterial ensure(Path dir, List<String> hosts) {
    try {
      Files.createDirectories(dir);
      SecretFiles.restrictDirectory(dir);
      String password = SecretFiles.readOrCreate(dir.resolve("store-password"), () -> SecretFiles.randomToken(18));
      SecurityMaterial material = new SecurityMaterial(dir, dir.resolve("ca.p12"), dir.resolve("host.p12"), password);
      Set<String> names = new LinkedHashSet<>(List.of("127.0.0.1", "localhost"));
      names.addAll(hosts);
      if (!Files.exists(dir.resolve("ca-key.p12"))) {
        material.createCa();
      }
      if (!Files.exists(material.keystore) || !material.hostCertificateNames().containsAll(names)) {
        material.issueHostCertificate(names);
      }
      return material;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the TLS material into " + dir, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate the TLS material in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** A context for the platform's servers (and the brokers' clients to each other): the host's key, the CA's trust. */
  public SSLContext serverContext() {
    try {
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(load(keystore), storePassword.toCharArray());
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), trustManagers(), new SecureRandom());
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot load the TLS material in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** A context for clients of the platform's HTTPS servers: trusts the CA only. */
  public SSLContext clientContext() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trustManagers(), new SecureRandom());
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot load the TLS material in " + dir + ": " + e.getMessage(), e);
    }
  }

  private javax.net.ssl.TrustManager[] trustManagers() throws GeneralSecurityException, IOException {
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(load(truststore));
    return trust.getTrustManagers();
  }

  private KeyStore load(Path file) throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, storePassword.toCharArray());
    }
    return store;
  }

  private void store(KeyStore store, Path file) throws GeneralSecurityException, IOException {
    Path partial = file.resolveSibling(file.getFileName() + ".partial");
    try (OutputStream out = Files.newOutputStream(partial)) {
      store.store(out, storePassword.toCharArray());
    }
    SecretFiles.restrictFile(partial);
    Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private void createCa() throws GeneralSecurityException, IOException {
    KeyPair ca = newKeyPair();
    X500Name subject = new X500Name("CN=" + CA_CN);
    X509v3CertificateBuilder builder = builder(subject, subject, ca);
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
    builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    X509Certificate certificate = sign(builder, ca.getPrivate());
    KeyStore caKey = KeyStore.getInstance("PKCS12");
    caKey.load(null, null);
    caKey.setKeyEntry(ALIAS, ca.getPrivate(), storePassword.toCharArray(), new Certificate[] {certificate});
    store(caKey, dir.resolve("ca-key.p12"));
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry(CA_CN, certificate);
    store(trust, truststore);
  }

  private void issueHostCertificate(Set<String> names) throws GeneralSecurityException, IOException {
    KeyStore caStore = load(dir.resolve("ca-key.p12"));
    PrivateKey caKey = (PrivateKey) caStore.getKey(ALIAS, storePassword.toCharArray());
    X509Certificate caCertificate = (X509Certificate) caStore.getCertificate(ALIAS);
    KeyPair host = newKeyPair();
    X509v3CertificateBuilder builder = builder(X500Name.getInstance(
        caCertificate.getSubjectX500Principal().getEncoded()), new X500Name("CN=" + BROKER_CN), host);
    List<GeneralName> altNames = new ArrayList<>();
    for (String name : names) {
      boolean address = name.chars().allMatch(c -> Character.isDigit(c) || c == '.' || c == ':')
          && isAddress(name);
      altNames.add(new GeneralName(address ? GeneralName.iPAddress : GeneralName.dNSName, name));
    }
    builder.addExtension(Extension.subjectAlternativeName, false,
        new GeneralNames(altNames.toArray(GeneralName[]::new)));
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
    // Server and client: the brokers present it to each other, and to the controller.
    builder.addExtension(Extension.extendedKeyUsage, false,
        new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
    X509Certificate certificate = sign(builder, caKey);
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry(ALIAS, host.getPrivate(), storePassword.toCharArray(),
        new Certificate[] {certificate, caCertificate});
    store(keys, keystore);
  }

  private Set<String> hostCertificateNames() throws GeneralSecurityException, IOException {
    X509Certificate certificate = (X509Certificate) load(keystore).getCertificate(ALIAS);
    Set<String> names = new LinkedHashSet<>();
    if (certificate != null && certificate.getSubjectAlternativeNames() != null) {
      certificate.getSubjectAlternativeNames().forEach(entry -> names.add(String.valueOf(entry.get(1))));
    }
    return names;
  }

  private static boolean isAddress(String name) {
    try {
      return InetAddress.getByName(name).getHostAddress().equals(name) || name.contains(":");
    } catch (IOException e) {
      return false;
    }
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
    return generator.generateKeyPair();
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair subjectKeys) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, new SecureRandom()),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), subject, subjectKeys.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey)
      throws GeneralSecurityException {
    try {
      ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey);
      return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    } catch (org.bouncycastle.operator.OperatorCreationException e) {
      throw new GeneralSecurityException(e.getMessage(), e);
    }
  }
}
