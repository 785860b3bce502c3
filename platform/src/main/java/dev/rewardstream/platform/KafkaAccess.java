package dev.rewardstream.platform;

import dev.rewardstream.security.Credentials;
import dev.rewardstream.serde.KafkaConnection;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Who may do what on a secured cluster: SCRAM-SHA-512 credentials for each principal and the ACLs that bind them.
 * Applied at every start, as the brokers' super user: a rotated password takes effect, and ACLs the plan no longer
 * holds for one of its principals are removed.
 */
public final class KafkaAccess {

  /** SCRAM's iteration count: Kafka's minimum is 4096; 8192 is what its tools use. */
  private static final int ITERATIONS = 8192;

  private final List<AclBinding> bindings = new ArrayList<>();

  public static KafkaAccess plan() {
    return new KafkaAccess();
  }

  /** {@code operations} on the topic named {@code topic}. */
  public KafkaAccess topic(String principal, String topic, AclOperation... operations) {
    return allow(principal, new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL), operations);
  }

  /** {@code operations} on every topic whose name starts with {@code prefix} (a Streams application's own). */
  public KafkaAccess topicPrefix(String principal, String prefix, AclOperation... operations) {
    return allow(principal, new ResourcePattern(ResourceType.TOPIC, prefix, PatternType.PREFIXED), operations);
  }

  /** Joining and committing in consumer groups whose id starts with {@code prefix}. */
  public KafkaAccess groupPrefix(String principal, String prefix) {
    return allow(principal, new ResourcePattern(ResourceType.GROUP, prefix, PatternType.PREFIXED),
        AclOperation.READ, AclOperation.DESCRIBE);
  }

  /** Reading the offsets and members of every group: an operator's view (lag), not a member's rights. */
  public KafkaAccess describeAllGroups(String principal) {
    return allow(principal, new ResourcePattern(ResourceType.GROUP, "*", PatternType.LITERAL), AclOperation.DESCRIBE);
  }

  /** Transactions under transactional ids that start with {@code prefix}. */
  public KafkaAccess transactionsPrefix(String principal, String prefix) {
    return allow(principal, new ResourcePattern(ResourceType.TRANSACTIONAL_ID, prefix, PatternType.PREFIXED),
        AclOperation.WRITE, AclOperation.DESCRIBE);
  }

  private KafkaAccess allow(String principal, ResourcePattern resource, AclOperation... operations) {
    for (AclOperation operation : operations) {
      bindings.add(new AclBinding(resource, new AccessControlEntry("User:" + principal, "*", operation,
          AclPermissionType.ALLOW)));
    }
    return this;
  }

  public List<AclBinding> bindings() {
    return List.copyOf(bindings);
  }

  /**
   * Upserts the SCRAM credentials of {@code principals} and makes their ACLs exactly this plan's, over
   * {@code superUser} (the brokers' own identity).
   */
  public void apply(KafkaConnection superUser, Credentials credentials, Collection<String> principals) {
    try (Admin admin = Admin.create(superUser.properties())) {
      List<UserScramCredentialAlteration> upserts = new ArrayList<>();
      for (String principal : principals) {
        upserts.add(new UserScramCredentialUpsertion(principal,
            new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, ITERATIONS), credentials.password(principal)));
      }
      admin.alterUserScramCredentials(upserts).all().get();
      List<AclBinding> stale = new ArrayList<>();
      for (AclBinding existing : admin.describeAcls(AclBindingFilter.ANY).values().get()) {
        String user = existing.entry().principal().replaceFirst("^User:", "");
        if (principals.contains(user) && !bindings.contains(existing)) {
          stale.add(existing);
        }
      }
      if (!stale.isEmpty()) {
        admin.deleteAcls(stale.stream().map(AclBinding::toFilter).toList()).all().get();
      }
      admin.createAcls(bindings).all().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while applying the principals and ACLs", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("applying the principals and ACLs failed: " + e.getCause().getMessage(),
          e.getCause());
    }
  }
}
