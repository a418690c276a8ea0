package io.snmfservice.web;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.mock.web.MockHttpServletRequest;

/** A flood of refusals is counted in full but logged once a minute per caller and reason. */
class RefusalLogTest {

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final RefusalLog refusals = new RefusalLog(meters);
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(RefusalLog.class);

  @BeforeEach
  void capture() {
    lines.start();
    logger.addAppender(lines);
  }

  @AfterEach
  void release() {
    logger.detachAppender(lines);
  }

  private static MockHttpServletRequest from(String address) {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/v1/models");
    request.setRemoteAddr(address);
    return request;
  }

  @Test
  void oneLinePerCallerAndReasonAMinuteEveryRefusalCounted() {
    for (int i = 0; i < 100; i++) {
      refusals.failedAuthentication(from("10.0.0.1"), "api", "unknown");
    }
    refusals.failedAuthentication(from("10.0.0.2"), "api", "unknown");
    refusals.tooManyRequests(from("10.0.0.1"), "request-rate", "over the rate");

    assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
        "Refused GET /v1/models from address 10.0.0.1: api authentication with unknown key",
        "Refused GET /v1/models from address 10.0.0.2: api authentication with unknown key",
        "Refused GET /v1/models from address 10.0.0.1: over the rate");
    assertThat(meters.get("snmf.requests.refused").tag("reason", "api-unknown").counter().count()).isEqualTo(101);
    assertThat(meters.get("snmf.requests.refused").tag("reason", "request-rate").counter().count()).isEqualTo(1);
  }
}
