package dev.rewardstream.dashboard;

import dev.rewardstream.serde.KafkaConnection;
import dev.rewardstream.serde.Topics;
import io.javalin.Javalin;
import io.javalin.http.sse.SseClient;
import io.javalin.http.staticfiles.Location;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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

  private DashboardService(KafkaConnection kafka, Topics topics, String host, int port) {
    this.host = host;
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
    DashboardService service = new DashboardService(kafka, topics, host, port);
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
    return "http://" + host + ":" + http.port();
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
