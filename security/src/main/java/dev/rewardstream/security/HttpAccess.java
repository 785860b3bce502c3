package dev.rewardstream.security;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.BasicAuthenticator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * How the platform's JDK HTTP servers (schema registry, scoring API) are secured: HTTPS with the platform's
 * certificate, and either basic auth against the principals' passwords or a bearer token.
 */
public final class HttpAccess {

  private HttpAccess() {}

  /** Plain HTTP when {@code tls} is null, else HTTPS with it; bound to {@code host:port} (0 picks a port). */
  public static HttpServer create(String host, int port, SSLContext tls) throws IOException {
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (tls == null) {
      return HttpServer.create(address, 0);
    }
    HttpsServer https = HttpsServer.create(address, 0);
    https.setHttpsConfigurator(new HttpsConfigurator(tls) {
      @Override
      public void configure(HttpsParameters params) {
        params.setSSLParameters(getSSLContext().getDefaultSSLParameters());
      }
    });
    return https;
  }

  /** The scheme of URLs of a server made by {@link #create}. */
  public static String scheme(HttpServer server) {
    return server instanceof HttpsServer ? "https" : "http";
  }

  /** Basic auth against {@code credentials}; the authenticated principal's name is the user's. */
  public static Authenticator basic(String realm, Credentials credentials) {
    return new BasicAuthenticator(realm, StandardCharsets.UTF_8) {
      @Override
      public boolean checkCredentials(String user, String password) {
        return credentials.matches(user, password);
      }
    };
  }

  /** Whether the request's authenticated user is one of {@code users}. */
  public static boolean isOneOf(HttpExchange exchange, Set<String> users) {
    HttpPrincipal principal = exchange.getPrincipal();
    return principal != null && users.contains(principal.getUsername());
  }

  /** Whether an {@code Authorization} header (null when absent) carries {@code token} as a bearer token. */
  public static boolean bearerMatches(String authorizationHeader, String token) {
    return authorizationHeader != null && authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)
        && tokenMatches(authorizationHeader.substring(7).trim(), token);
  }

  /** {@code given} against {@code token} in constant time, so the comparison's duration tells nothing. */
  public static boolean tokenMatches(String given, String token) {
    return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * {@code Authorization: Bearer TOKEN}, compared in constant time; anything else is answered 401 with a
   * {@code WWW-Authenticate} challenge, before the handler runs.
   */
  public static Authenticator bearer(String realm, String token) {
    return new Authenticator() {
      @Override
      public Result authenticate(HttpExchange exchange) {
        if (bearerMatches(exchange.getRequestHeaders().getFirst("Authorization"), token)) {
          return new Success(new HttpPrincipal("token", realm));
        }
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"" + realm + "\"");
        return new Failure(401);
      }
    };
  }
}
