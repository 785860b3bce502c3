package dev.rewardstream.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecurityMaterialTest {

  @TempDir Path dir;

  @Test
  void shouldIssueAHostCertificateTheCaVerifiesKeepItAcrossLoadsAndReissueItForANewHost() throws Exception {
    // Given the material generated once
    SecurityMaterial first = SecurityMaterial.ensure(dir, List.of("10.1.2.3"));
    X509Certificate host = hostCertificate(first);

    // Then the host certificate is the brokers' principal, names the hosts, and is signed by the CA clients trust
    assertThat(host.getSubjectX500Principal().getName()).isEqualTo("CN=" + SecurityMaterial.BROKER_CN);
    assertThat(host.getSubjectAlternativeNames().stream().map(entry -> String.valueOf(entry.get(1))).toList())
        .contains("127.0.0.1", "localhost", "10.1.2.3");
    host.verify(caCertificate(first).getPublicKey());
    assertThat(Files.getPosixFilePermissions(dir.resolve("host.p12")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));

    // And a second load keeps it, while a host it does not name gets a new one from the same CA
    assertThat(hostCertificate(SecurityMaterial.ensure(dir, List.of("10.1.2.3")))).isEqualTo(host);
    SecurityMaterial moved = SecurityMaterial.ensure(dir, List.of("rewards.example.org"));
    assertThat(hostCertificate(moved)).isNotEqualTo(host);
    assertThat(caCertificate(moved)).isEqualTo(caCertificate(first));
    hostCertificate(moved).verify(caCertificate(first).getPublicKey());
  }

  @Test
  void shouldCompleteATlsHandshakeBetweenItsServerAndClientContexts() throws Exception {
    SecurityMaterial tls = SecurityMaterial.ensure(dir, List.of());
    try (SSLServerSocket server = (SSLServerSocket) tls.serverContext().getServerSocketFactory().createServerSocket(0)) {
      Thread accept = new Thread(() -> {
        try (SSLSocket socket = (SSLSocket) server.accept()) {
          socket.getOutputStream().write(42);
          socket.getOutputStream().flush();
        } catch (Exception ignored) {
          // the client's assertion reports it
        }
      });
      accept.start();
      try (SSLSocket client = (SSLSocket) tls.clientContext().getSocketFactory()
          .createSocket("127.0.0.1", server.getLocalPort())) {
        javax.net.ssl.SSLParameters params = client.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        client.setSSLParameters(params);
        assertThat(client.getInputStream().read()).isEqualTo(42);
      }
      accept.join();
    }
  }

  @Test
  void shouldGiveEachPrincipalAPasswordKeepThemAndRotateOne() {
    Path file = dir.resolve("credentials.properties");
    Credentials credentials = Credentials.ensure(file, List.of("producer", "trainer"));
    String producer = credentials.password("producer");
    assertThat(producer).hasSizeGreaterThanOrEqualTo(32).isNotEqualTo(credentials.password("trainer"));
    assertThat(Credentials.ensure(file, List.of("producer", "trainer", "scorer")).password("producer"))
        .isEqualTo(producer);

    String rotated = Credentials.ensure(file, List.of("producer")).rotate("producer");
    Credentials reloaded = Credentials.ensure(file, List.of("producer"));
    assertThat(reloaded.password("producer")).isEqualTo(rotated).isNotEqualTo(producer);
    assertThat(reloaded.matches("producer", rotated)).isTrue();
    assertThat(reloaded.matches("producer", producer)).isFalse();
    assertThat(reloaded.matches("nobody", rotated)).isFalse();
    assertThat(reloaded.toString()).doesNotContain(rotated);
    assertThatThrownBy(() -> reloaded.password("nobody")).hasMessageContaining("no principal named nobody");
  }

  private static X509Certificate hostCertificate(SecurityMaterial material) throws Exception {
    return (X509Certificate) load(material, material.keystore()).getCertificate("rewardstream");
  }

  private static X509Certificate caCertificate(SecurityMaterial material) throws Exception {
    return (X509Certificate) load(material, material.truststore()).getCertificate("rewardstream-ca");
  }

  private static KeyStore load(SecurityMaterial material, Path file) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, material.storePassword().toCharArray());
    }
    return store;
  }
}
