package io.snmfservice.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.snmfservice.errors.Unavailable;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.core.context.SecurityContextHolder;

class CallerPermitsTest {

  private final CallerPermits permits = new CallerPermits(new SecurityProperties(SecurityProperties.Mode.KEYS, null,
      new SecurityProperties.Quota(20, 50, 200, 1, true, Duration.ofSeconds(30)), 30),
      new LimitsProperties(2, Duration.ofMillis(50), 2, 3, Duration.ofMinutes(10)));

  @AfterEach
  void clear() {
    SecurityContextHolder.clearContext();
  }

  private static void actAs(Caller caller) {
    SecurityContextHolder.getContext().setAuthentication(ApiKeyAuthentication.of(caller));
  }

  @Test
  void oneComputationPerKeyAtATime() {
    actAs(new Caller(7L, "alice", Role.SUBMITTER));
    CallerPermits.Permit first = permits.acquireCompute("steering");
    assertThatThrownBy(() -> permits.acquireCompute("steering")).isInstanceOf(Unavailable.class)
        .hasMessageContaining("alice");
    actAs(new Caller(8L, "bob", Role.SUBMITTER));
    permits.acquireCompute("steering").close();
    actAs(new Caller(7L, "alice", Role.SUBMITTER));
    first.close();
    permits.acquireCompute("steering").close();
  }

  @Test
  void adminsAreExempt() {
    actAs(new Caller(9L, "root", Role.ADMIN));
    CallerPermits.Permit a = permits.acquireCompute("steering");
    CallerPermits.Permit b = permits.acquireCompute("steering");
    a.close();
    b.close();
    assertThat(Role.ADMIN.includes(Role.SUBMITTER)).isTrue();
  }

  @Test
  void theReplicaHasItsOwnComputeLimitAcrossKeys() {
    actAs(new Caller(7L, "alice", Role.SUBMITTER));
    CallerPermits.Permit a = permits.acquireCompute("encoding");
    actAs(new Caller(8L, "bob", Role.SUBMITTER));
    CallerPermits.Permit b = permits.acquireCompute("encoding");
    actAs(new Caller(9L, "carol", Role.SUBMITTER));
    assertThatThrownBy(() -> permits.acquireCompute("encoding")).isInstanceOf(Unavailable.class)
        .hasMessageContaining("replica");
    a.close();
    a.close(); // a second close releases nothing more
    permits.acquireCompute("encoding").close();
    b.close();
    assertThat(permits.peakComputing()).isEqualTo(2);
  }

  @Test
  void computeFailsWith503OnceItsTimeIsUp() {
    actAs(new Caller(7L, "alice", Role.SUBMITTER));
    try (CallerPermits.Compute permit = permits.acquireCompute("encoding")) {
      permit.checkTime();
      await("the permit's 50 ms to run out").atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(10))
          .untilAsserted(() -> assertThatThrownBy(permit::checkTime).isInstanceOf(Unavailable.class)
              .satisfies(e -> assertThat(((Unavailable) e).status()).isEqualTo(503)));
    }
  }

  @Test
  void streamsAreCappedPerKeyAndPerReplica() {
    actAs(new Caller(7L, "alice", Role.SUBMITTER));
    CallerPermits.Permit a1 = permits.acquireStream();
    CallerPermits.Permit a2 = permits.acquireStream();
    assertThatThrownBy(permits::acquireStream).hasMessageContaining("alice");
    actAs(new Caller(8L, "bob", Role.SUBMITTER));
    CallerPermits.Permit b1 = permits.acquireStream();
    assertThatThrownBy(permits::acquireStream).hasMessageContaining("replica");
    assertThat(permits.openStreams()).isEqualTo(3);
    a1.close();
    a1.close();
    permits.acquireStream().close();
    a2.close();
    b1.close();
    assertThat(permits.openStreams()).isZero();
  }

  @Test
  void openModeIsOnlyAllowedOnLoopback() {
    SecurityConfig.requireLoopback("127.0.0.1");
    SecurityConfig.requireLoopback("::1");
    SecurityConfig.requireLoopback("localhost");
    for (String address : new String[] {null, "", "0.0.0.0", "10.1.2.3", "not a host name"}) {
      assertThatThrownBy(() -> SecurityConfig.requireLoopback(address)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("server.address=127.0.0.1");
    }
  }
}
