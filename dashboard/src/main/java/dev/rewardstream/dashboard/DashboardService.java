package dev.rewardstream.dashboard;

import dev.rewardstream.security.ApiSecurity;
import dev.rewardstream.security.HttpAccess;
import dev.rewardstream.serde.KafkaConnection;
import dev.rewardstream.serde.Topics;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.HttpStatus;
import io.javalin.http.SameSite;
import io.javalin.http.sse.SseClient;
import io.javalin.http.staticfiles.Location;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live validation dashboard: a service of its own that follows the topics ({@link TopicFollower}), so it shows
 * the same in embedded and cluster mode, and serves the page, {@code GET /api/state} (JSON) and
 * {@code GET /api/events} (server-sent events, one {@code state} event a second).
 */
public final class DashboardService implements AutoCloseable {

  /** Constant expressions, so the command line's options can name them. */
  public static final int DEFAULT_PORT = 8088;
  public static final long PUSH_INTERVAL_MS = 1_000;
  /** How far back the high-volume topics (scores, preferences, interactions) are read at start. */
  public static final Duration LOOKBACK = Duration.ofMinutes(15);

  private static final Logger LOG = LoggerFactory.getLogger(DashboardService.class);

  private final DashboardState state = new DashboardState();
  private final TopicFollower follower;
  private final ConsumerLag lag;
  private final Set<SseClient> clients = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "dashboard-push");
    t.setDaemon(true);
    return t;
  });
  private final Thread followerThread;
  private final Javalin http;
  private final String host;
  private final String scheme;
  private static final String TOKEN_COOKIE = "rewardstream_token";

  private DashboardService(KafkaConnection kafka, Topics topics, String host, int port, ApiSecurity security) {
    this.host = host;
    this.scheme = security == null ? "http" : "https";
    this.follower = new TopicFollower(kafka, topics, state, LOOKBACK);
    this.lag = new ConsumerLag(kafka);
    this.followerThread = new Thread(follower, "dashboard-follower");
    this.followerThread.setDaemon(true);
    this.http = Javalin.create(config -> {
      config.jetty.host = host;
      config.jetty.port = port;
      config.startup.showJavalinBanner = false;
      config.staticFiles.add("/dashboard", Location.CLASSPATH);
      config.staticFiles.enableWebjars();
      config.routes.get("/api/state", ctx -> ctx.contentType("application/json")
          .result(state.snapshot(System.currentTimeMillis()).toString()));
      config.routes.get("/health", ctx -> ctx.result("ok"));
      if (security != null) {
        serveHttpsOnly(config, host, port, security);
        config.routes.before(ctx -> requireToken(ctx, security.token()));
      }
      config.routes.sse("/api/events", client -> {
        client.keepAlive();
        clients.add(client);
        client.onClose(() -> clients.remove(client));
        client.sendEvent("state", state.snapshot(System.currentTimeMillis()).toString());
      });
    });
  }

  /**
   * Follows the topics of the cluster at {@code kafka} and serves on {@code host:port} (0 picks one).
   *
   * @throws IllegalStateException when the port cannot be bound
   */
  public static DashboardService start(KafkaConnection kafka, Topics topics, String host, int port) {
    return start(kafka, topics, host, port, null);
  }

  /**
   * As {@link #start(KafkaConnection, Topics, String, int)}, over HTTPS and with the platform's API token unless
   * {@code security} is null: a browser opens {@code /?token=TOKEN} once and keeps it in an HTTP-only cookie; a
   * program sends {@code Authorization: Bearer TOKEN}. Everything but {@code /health} needs it.
   */
  public static DashboardService start(KafkaConnection kafka, Topics topics, String host, int port,
      ApiSecurity security) {
    DashboardService service = new DashboardService(kafka, topics, host, port, security);
    try {
      service.http.start();
    } catch (RuntimeException e) {
      service.lag.close();
      throw new IllegalStateException("cannot serve the dashboard on " + host + ":" + port + ": " + e.getMessage(), e);
    }
    service.followerThread.start();
    service.ticker.scheduleAtFixedRate(service::push, PUSH_INTERVAL_MS, PUSH_INTERVAL_MS, TimeUnit.MILLISECONDS);
    service.ticker.scheduleWithFixedDelay(service::refreshLag, 0, 2, TimeUnit.SECONDS);
    LOG.info("dashboard on {}", service.url());
    return service;
  }

  public String url() {
    return scheme + "://" + host + ":" + http.port();
  }

  /** Javalin adds its plain-HTTP connector only when none is configured: this one takes its place. */
  private static void serveHttpsOnly(io.javalin.config.JavalinConfig config, String host, int port,
      ApiSecurity security) {
    config.jetty.addConnector((server, httpConfiguration) -> {
      SslContextFactory.Server tls = new SslContextFactory.Server();
      tls.setSslContext(security.tls());
      // The certificate names the addresses the platform binds; Jetty's SNI check would refuse a bare IP.
      httpConfiguration.addCustomizer(new SecureRequestCustomizer(false));
      ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"),
          new HttpConnectionFactory(httpConfiguration));
      connector.setHost(host);
      connector.setPort(port);
      return connector;
    });
  }

  private static void requireToken(Context ctx, String token) {
    if (ctx.path().equals("/health")) {
      return;
    }
    String query = ctx.queryParam("token");
    if (query != null && HttpAccess.tokenMatches(query, token)) {
      // Into a cookie and out of the address bar, where history and Referer headers would keep it.
      ctx.cookie(new Cookie(TOKEN_COOKIE, token, "/", -1, true, true, null, SameSite.STRICT));
      ctx.redirect(ctx.path());
      ctx.skipRemainingHandlers();
      return;
    }
    String cookie = ctx.cookie(TOKEN_COOKIE);
    if (!HttpAccess.bearerMatches(ctx.header("Authorization"), token)
        && !(cookie != null && HttpAccess.tokenMatches(cookie, token))) {
      ctx.header("WWW-Authenticate", "Bearer realm=\"rewardstream-dashboard\"");
      ctx.status(HttpStatus.UNAUTHORIZED).result("the dashboard needs the platform's API token");
      ctx.skipRemainingHandlers();
    }
  }


  public int port() {
    return http.port();
  }

  private void push() {
    if (clients.isEmpty()) {
      return;
    }
    String snapshot = state.snapshot(System.currentTimeMillis()).toString();
    for (SseClient client : clients) {
      try {
        client.sendEvent("state", snapshot);
      } catch (RuntimeException e) {
        clients.remove(client);
      }
    }
  }

  private void refreshLag() {
    try {
      state.onLag(lag.byGroup());
    } catch (Exception e) {
      LOG.debug("consumer lag not read: {}", e.toString());
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    clients.forEach(SseClient::close);
    follower.stop();
    try {
      followerThread.join(Duration.ofSeconds(5).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    http.stop();
    lag.close();
  }
}
