package io.snmfservice.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.snmfservice.web.TooManyRequestsException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.core.context.SecurityContextHolder;

class CallerPermitsTest {

  private final CallerPermits permits = new CallerPermits(new SecurityProperties(SecurityProperties.Mode.KEYS, null,
      new SecurityProperties.Quota(20, 50, 200, 1, true, Duration.ofSeconds(30)), 30));

  @AfterEach
  void clear() {
    SecurityContextHolder.clearContext();
  }

  private static void actAs(Caller caller) {
    SecurityContextHolder.getContext().setAuthentication(ApiKeyAuthentication.of(caller));
  }

  @Test
  void oneInteractiveRequestPerKeyAtATime() {
    actAs(new Caller(7L, "alice", Role.SUBMITTER));
    CallerPermits.Permit first = permits.acquireInteractive();
    assertThatThrownBy(permits::acquireInteractive).isInstanceOf(TooManyRequestsException.class)
        .hasMessageContaining("alice");
    actAs(new Caller(8L, "bob", Role.SUBMITTER));
    permits.acquireInteractive().close();
    actAs(new Caller(7L, "alice", Role.SUBMITTER));
    first.close();
    permits.acquireInteractive().close();
  }

  @Test
  void adminsAreExempt() {
    actAs(new Caller(9L, "root", Role.ADMIN));
    CallerPermits.Permit a = permits.acquireInteractive();
    CallerPermits.Permit b = permits.acquireInteractive();
    a.close();
    b.close();
    assertThat(Role.ADMIN.includes(Role.SUBMITTER)).isTrue();
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
