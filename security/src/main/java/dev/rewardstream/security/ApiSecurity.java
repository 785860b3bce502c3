package dev.rewardstream.security;

import javax.net.ssl.SSLContext;

/**
 * How a secured platform's HTTP APIs (scoring API, dashboard) are served: HTTPS with {@code tls}, and every request
 * but the health check carrying {@code Authorization: Bearer TOKEN}.
 */
public record ApiSecurity(SSLContext tls, String token) {

  @Override
  public String toString() {
    return "ApiSecurity[https, bearer token " + "[hidden]" + "]";
  }
}
