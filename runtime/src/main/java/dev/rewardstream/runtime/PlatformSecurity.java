package dev.rewardstream.runtime;

import static org.apache.kafka.common.acl.AclOperation.ALL;
import static org.apache.kafka.common.acl.AclOperation.DESCRIBE;
import static org.apache.kafka.common.acl.AclOperation.READ;
import static org.apache.kafka.common.acl.AclOperation.WRITE;

import dev.rewardstream.drift.DriftService;
import dev.rewardstream.jobs.FeatureJob;
import dev.rewardstream.platform.EmbeddedInfrastructure;
import dev.rewardstream.platform.FreePorts;
import dev.rewardstream.platform.KafkaAccess;
import dev.rewardstream.platform.SchemaRegistryServer;
import dev.rewardstream.scorer.ScorerService;
import dev.rewardstream.scorer.pairs.PairSuggestionService;
import dev.rewardstream.security.ApiSecurity;
import dev.rewardstream.security.Credentials;
import dev.rewardstream.security.SecretFiles;
import dev.rewardstream.security.SecurityMaterial;
import dev.rewardstream.serde.InMemorySchemaRegistry;
import dev.rewardstream.serde.SerdeConfig;
import dev.rewardstream.serde.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The principals of a secured platform, one per service, and what each may do: least privilege, so that a leaked
 * producer password cannot publish a model version and a scorer cannot train one.
 *
 * <ul>
 *   <li>{@code producer} (agents and labelling tools): writes {@code interactions} and {@code preferences}, nothing
 *   else;</li>
 *   <li>{@code feature-job}: reads those two, writes {@code training-examples}, {@code normalization-stats} and dead
 *   letters in its transactions;</li>
 *   <li>{@code trainer}: reads {@code training-examples}; the only principal that writes {@code model-updates};</li>
 *   <li>{@code scorer} (scoring and pair suggestions): reads interactions, versions and statistics; the only one that
 *   writes {@code scores};</li>
 *   <li>{@code drift}: reads scores and versions, writes {@code drift-alerts};</li>
 *   <li>{@code alerts}: reads {@code drift-alerts} only (and dead-letters a webhook it could not reach);</li>
 *   <li>{@code dashboard}: reads what it shows and every group's lag, writes nothing;</li>
 *   <li>{@code registry}: the schema registry's own topic.</li>
 * </ul>
 *
 * Every principal but {@code alerts} and {@code dashboard} may register schemas (its serializers register what they
 * write); those two only read them.
 */
public final class PlatformSecurity {

  public static final String PRODUCER = "producer";
  public static final String FEATURE_JOB = "feature-job";
  public static final String TRAINER = "trainer";
  public static final String SCORER = "scorer";
  public static final String DRIFT = "drift";
  public static final String ALERTS = "alerts";
  public static final String DASHBOARD = "dashboard";
  public static final String REGISTRY = EmbeddedInfrastructure.REGISTRY_PRINCIPAL;
  public static final List<String> PRINCIPALS =
      List.of(PRODUCER, FEATURE_JOB, TRAINER, SCORER, DRIFT, ALERTS, DASHBOARD, REGISTRY);
  static final Set<String> REGISTRY_WRITERS = Set.of(PRODUCER, FEATURE_JOB, TRAINER, SCORER, DRIFT, REGISTRY);
  /** The group {@code rewardctl alerts --webhook} commits in, and any other its users name with this prefix. */
  public static final String ALERTS_GROUP_PREFIX = "rewardctl-alerts";

  private PlatformSecurity() {}

  /**
   * Generates (first start) or loads (later ones) what secures a platform in {@code dir}: the CA and the certificate
   * for {@code host}, the principals' passwords, and the ACL plan for topics named with {@code topicPrefix}.
   */
  public static EmbeddedInfrastructure.Security prepare(Path dir, String host, String topicPrefix) {
    SecurityMaterial tls = SecurityMaterial.ensure(dir, List.of(host));
    Credentials credentials = credentials(dir);
    return new EmbeddedInfrastructure.Security(tls, credentials, access(topicPrefix), REGISTRY_WRITERS,
        FreePorts.next());
  }

  /** A registry process's security ({@code rewardctl registry --secure-dir}): the platform's certificate and users. */
  public static SchemaRegistryServer.Access registryAccess(Path dir, String host) {
    return new SchemaRegistryServer.Access(SecurityMaterial.ensure(dir, List.of(host)).serverContext(),
        credentials(dir), REGISTRY_WRITERS);
  }

  /** Where a secured platform's principals' passwords are kept, below its security directory. */
  public static Path credentialsFile(Path dir) {
    return dir.resolve("credentials.properties");
  }

  /** Every principal's password in {@code dir}, each made on first use. */
  public static Credentials credentials(Path dir) {
    return Credentials.ensure(credentialsFile(dir), PRINCIPALS);
  }

  /** The scoring API's and the dashboard's TLS and bearer token ({@code DIR/api-token}, made on first use). */
  public static ApiSecurity api(Path dir, SecurityMaterial tls) {
    try {
      return new ApiSecurity(tls.serverContext(),
          SecretFiles.readOrCreate(dir.resolve("api-token"), () -> SecretFiles.randomToken(32)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write the API token in " + dir, e);
    }
  }

  /** The ACLs of every principal, for topics named with {@code prefix}. */
  public static KafkaAccess access(String prefix) {
    Topics names = Topics.using(SerdeConfig.of("http://names-only").withTopicPrefix(prefix),
        new InMemorySchemaRegistry());
    String interactions = names.interactions.name();
    String preferences = names.preferences.name();
    String examples = names.trainingExamples.name();
    String scores = names.scores.name();
    String versions = names.modelUpdates.name();
    String alerts = names.driftAlerts.name();
    String deadLetters = names.deadLetters.name();
    String statistics = names.normalizationStats.name();
    String suggestions = names.pairSuggestions.name();
    KafkaAccess plan = KafkaAccess.plan()
        .topic(PRODUCER, interactions, WRITE, DESCRIBE)
        .topic(PRODUCER, preferences, WRITE, DESCRIBE);

    String features = prefix + FeatureJob.JOB_NAME;
    plan.topic(FEATURE_JOB, interactions, READ, DESCRIBE).topic(FEATURE_JOB, preferences, READ, DESCRIBE)
        .topic(FEATURE_JOB, examples, WRITE, DESCRIBE).topic(FEATURE_JOB, statistics, WRITE, DESCRIBE)
        .topic(FEATURE_JOB, deadLetters, WRITE, DESCRIBE)
        .groupPrefix(FEATURE_JOB, features).transactionsPrefix(FEATURE_JOB, features);

    String trainer = prefix + "rewardstream-trainer";
    plan.topic(TRAINER, examples, READ, DESCRIBE).topic(TRAINER, versions, READ, WRITE, DESCRIBE)
        .topic(TRAINER, deadLetters, WRITE, DESCRIBE)
        .groupPrefix(TRAINER, trainer).transactionsPrefix(TRAINER, trainer);

    for (String application : List.of(prefix + ScorerService.APPLICATION_ID,
        prefix + PairSuggestionService.APPLICATION_ID)) {
      // A Streams application's own topics (changelogs, repartitions), group and transactional ids: its prefix.
      plan.topicPrefix(SCORER, application, ALL).groupPrefix(SCORER, application)
          .transactionsPrefix(SCORER, application);
    }
    plan.topic(SCORER, interactions, READ, DESCRIBE).topic(SCORER, versions, READ, DESCRIBE)
        .topic(SCORER, statistics, READ, DESCRIBE).topic(SCORER, scores, WRITE, DESCRIBE)
        .topic(SCORER, suggestions, WRITE, DESCRIBE).topic(SCORER, alerts, WRITE, DESCRIBE)
        .topic(SCORER, deadLetters, WRITE, DESCRIBE);

    String drift = prefix + DriftService.APPLICATION_ID;
    plan.topicPrefix(DRIFT, drift, ALL).groupPrefix(DRIFT, drift).transactionsPrefix(DRIFT, drift)
        .topic(DRIFT, scores, READ, DESCRIBE).topic(DRIFT, versions, READ, DESCRIBE)
        .topic(DRIFT, alerts, WRITE, DESCRIBE).topic(DRIFT, deadLetters, WRITE, DESCRIBE);

    plan.topic(ALERTS, alerts, READ, DESCRIBE).groupPrefix(ALERTS, ALERTS_GROUP_PREFIX)
        .topic(ALERTS, deadLetters, WRITE, DESCRIBE);

    for (String shown : List.of(interactions, preferences, scores, versions, alerts, deadLetters)) {
      plan.topic(DASHBOARD, shown, READ, DESCRIBE);
    }
    // Lag: every group's committed offsets against every topic's end, and the topics the groups read.
    plan.describeAllGroups(DASHBOARD).topic(DASHBOARD, examples, DESCRIBE).topic(DASHBOARD, statistics, DESCRIBE);

    plan.topic(REGISTRY, prefix + SchemaRegistryServer.DEFAULT_TOPIC, READ, WRITE, DESCRIBE);
    return plan;
  }
}
