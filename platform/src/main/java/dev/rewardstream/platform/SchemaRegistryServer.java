package dev.rewardstream.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import dev.rewardstream.security.Credentials;
import dev.rewardstream.security.HttpAccess;
import dev.rewardstream.serde.KafkaConnection;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A schema registry speaking the Confluent REST API (the subset Confluent's client and serializers use: register,
 * lookup, schema by id, subjects and versions, compatibility checks, config), for Avro schemas.
 *
 * <p>This class is the HTTP side; {@link SchemaLog} keeps the state in a compacted Kafka topic, as Confluent's does,
 * and {@link AvroCompatibility} holds the rules. It is a single writer: run one per broker (the embedded platform
 * does); production deployments use Confluent Schema Registry itself.
 */
public final class SchemaRegistryServer implements AutoCloseable {

  public static final String DEFAULT_TOPIC = "_rewardstream-schemas";
  private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryServer.class);
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer http;
  private final SchemaLog log;
  private final Access access;

  private SchemaRegistryServer(HttpServer http, SchemaLog log, Access access) {
    this.http = http;
    this.log = log;
    this.access = access;
  }

  /**
   * A secured registry: HTTPS with {@code tls}, every request authenticated with basic auth against
   * {@code credentials}; only {@code writers} may register schemas or change configuration, everyone else only reads
   * (403, error 40301, as Confluent's registry answers).
   */
  public record Access(SSLContext tls, Credentials credentials, Set<String> writers) {}

  /** Starts on {@code host:port} (port 0 picks one) with its state in {@code topic} of the given cluster. */
  public static SchemaRegistryServer start(String bootstrapServers, String topic, String host, int port)
      throws IOException {
    return start(KafkaConnection.plaintext(bootstrapServers), topic, host, port);
  }

  /** As {@link #start(String, String, String, int)}, its state kept on any cluster. */
  public static SchemaRegistryServer start(KafkaConnection kafka, String topic, String host, int port)
      throws IOException {
    return start(kafka, topic, host, port, null);
  }

  /**
   * Creates the schemas' topic if it does not exist yet. A secured cluster's super user does it before the registry
   * starts: waiting for its leader reads the brokers' log directories, a right the registry's principal lacks.
   */
  public static void createTopic(KafkaConnection kafka, String topic) {
    TopicAdmin.ensure(kafka, List.of(SchemaLog.newTopic(topic)));
  }

  /** As {@link #start(KafkaConnection, String, String, int)}, secured by {@code access} unless it is null. */
  public static SchemaRegistryServer start(KafkaConnection kafka, String topic, String host, int port, Access access)
      throws IOException {
    SchemaLog log = SchemaLog.open(kafka, topic);
    HttpServer http;
    try {
      http = HttpAccess.create(host, port, access == null ? null : access.tls());
    } catch (IOException | RuntimeException e) {
      log.close();
      throw e;
    }
    SchemaRegistryServer server = new SchemaRegistryServer(http, log, access);
    HttpContext context = http.createContext("/", server::handle);
    if (access != null) {
      context.setAuthenticator(HttpAccess.basic("rewardstream-schema-registry", access.credentials()));
    }
    http.setExecutor(Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "schema-registry-http");
      t.setDaemon(true);
      return t;
    }));
    http.start();
    LOG.info("schema registry on {} ({} schemas restored from {})", server.url(), log.schemaCount(), topic);
    return server;
  }

  public String url() {
    return HttpAccess.scheme(http) + "://" + http.getAddress().getHostString() + ":" + http.getAddress().getPort();
  }

  public int port() {
    return http.getAddress().getPort();
  }

  @Override
  public void close() {
    http.stop(0);
    ((java.util.concurrent.ExecutorService) http.getExecutor()).shutdownNow();
    log.close();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      List<String> path = segments(exchange.getRequestURI().getRawPath());
      if (access != null && changes(method, path) && !HttpAccess.isOneOf(exchange, access.writers())) {
        ObjectNode error = JSON.createObjectNode().put("error_code", 40301).put("message", "User "
            + exchange.getPrincipal().getUsername() + " is denied operation Write on " + String.join("/", path));
        send(exchange, 403, JSON.writeValueAsBytes(error));
        return;
      }
      try {
        Object response = route(method, path, exchange.getRequestBody());
        send(exchange, 200, JSON.writeValueAsBytes(response));
      } catch (RegistryError e) {
        ObjectNode error = JSON.createObjectNode().put("error_code", e.code).put("message", e.getMessage());
        send(exchange, e.httpStatus(), JSON.writeValueAsBytes(error));
      } catch (RuntimeException e) {
        LOG.warn("schema registry request {} {} failed", method, path, e);
        ObjectNode error = JSON.createObjectNode().put("error_code", 50001).put("message", e.toString());
        send(exchange, 500, JSON.writeValueAsBytes(error));
      }
    }
  }

  /** Registering a schema, changing a configuration, deleting: what only writers may do. Lookups are reads. */
  private static boolean changes(String method, List<String> path) {
    return method.equals("PUT") || method.equals("DELETE") || (method.equals("POST") && path.size() >= 3
        && path.get(0).equals("subjects") && path.get(2).equals("versions"));
  }

  private Object route(String method, List<String> p, InputStream body) throws IOException {
    int n = p.size();
    if (n == 0) {
      return JSON.createObjectNode();
    }
    switch (p.get(0)) {
      case "subjects":
        if (n == 1 && method.equals("GET")) {
          return log.subjects();
        }
        if (n == 2 && method.equals("POST")) {
          return describe(log.lookup(p.get(1), readSchema(body)));
        }
        if (n == 3 && p.get(2).equals("versions") && method.equals("POST")) {
          return JSON.createObjectNode().put("id", log.register(p.get(1), readSchema(body)));
        }
        if (n == 3 && p.get(2).equals("versions") && method.equals("GET")) {
          return log.versions(p.get(1));
        }
        if (n >= 4 && p.get(2).equals("versions") && method.equals("GET")) {
          SchemaLog.Version version = log.version(p.get(1), p.get(3));
          return n == 5 && p.get(4).equals("schema") ? JSON.readTree(version.schema()) : describe(version);
        }
        break;
      case "schemas":
        if (n == 3 && p.get(1).equals("ids") && method.equals("GET")) {
          return JSON.createObjectNode().put("schema", log.schema(parseId(p.get(2))));
        }
        if (n == 4 && p.get(1).equals("ids") && p.get(3).equals("versions") && method.equals("GET")) {
          ArrayNode result = JSON.createArrayNode();
          log.versionsOfId(parseId(p.get(2)))
              .forEach(v -> result.addObject().put("subject", v.subject()).put("version", v.version()));
          return result;
        }
        if (n == 2 && p.get(1).equals("types")) {
          return List.of("AVRO");
        }
        break;
      case "compatibility":
        if (n == 5 && p.get(1).equals("subjects") && p.get(3).equals("versions") && method.equals("POST")) {
          List<String> problems = log.compatibilityProblems(p.get(2), p.get(4), readSchema(body));
          ObjectNode result = JSON.createObjectNode().put("is_compatible", problems.isEmpty());
          ArrayNode messages = result.putArray("messages");
          problems.forEach(messages::add);
          return result;
        }
        break;
      case "config":
        String subject = n == 2 ? p.get(1) : null;
        if (method.equals("GET")) {
          return JSON.createObjectNode().put("compatibilityLevel", log.compatibility(subject));
        }
        if (method.equals("PUT")) {
          String level = JSON.readTree(body).path("compatibility").asText();
          log.setCompatibility(subject, level);
          return JSON.createObjectNode().put("compatibility", level);
        }
        break;
      default:
        break;
    }
    throw new RegistryError(404, "no such endpoint: " + method + " /" + String.join("/", p));
  }

  private static ObjectNode describe(SchemaLog.Version version) {
    return JSON.createObjectNode().put("subject", version.subject()).put("version", version.version())
        .put("id", version.id()).put("schema", version.schema());
  }

  private static Schema readSchema(InputStream body) throws IOException {
    JsonNode request = JSON.readTree(body);
    String type = request.path("schemaType").asText("AVRO");
    if (!type.equals("AVRO")) {
      throw new RegistryError(42201, "Invalid schema: only AVRO is supported, got " + type);
    }
    if (request.hasNonNull("references") && !request.get("references").isEmpty()) {
      throw new RegistryError(42201, "Invalid schema: schema references are not supported");
    }
    return AvroCompatibility.parse(request.path("schema").asText());
  }

  private static int parseId(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new RegistryError(40403, "not a number: " + text);
    }
  }

  private static List<String> segments(String rawPath) {
    List<String> segments = new ArrayList<>();
    for (String part : rawPath.split("/")) {
      if (!part.isEmpty()) {
        segments.add(URLDecoder.decode(part, StandardCharsets.UTF_8));
      }
    }
    return segments;
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
