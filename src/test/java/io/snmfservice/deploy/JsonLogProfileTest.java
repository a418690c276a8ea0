package io.snmfservice.deploy;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.boot.logging.logback.StructuredLogEncoder;
import org.springframework.core.env.Environment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

/** Profile `json`: the console encoder Spring Boot builds from application-json.yaml writes one JSON object a line. */
class JsonLogProfileTest {

  @Test
  void writesEachLogLineAsJsonWithTheJobIdFromTheMdc() throws IOException {
    StandardEnvironment environment = new StandardEnvironment();
    new YamlPropertySourceLoader()
        .load("application-json", new ClassPathResource("application-json.yaml"))
        .forEach(environment.getPropertySources()::addFirst);
    String format = environment.getProperty("logging.structured.format.console");

    LoggerContext context = new LoggerContext();
    context.putObject(Environment.class.getName(), environment);
    StructuredLogEncoder encoder = new StructuredLogEncoder();
    encoder.setContext(context);
    encoder.setFormat(format);
    encoder.setCharset(StandardCharsets.UTF_8);
    encoder.start();

    LoggingEvent event = new LoggingEvent(
        getClass().getName(), context.getLogger("io.snmfservice.jobs.Worker"), Level.INFO,
        "factorization finished", null, null);
    event.setMDCPropertyMap(Map.of("jobId", "4f0c2d7e"));
    String line = new String(encoder.encode(event), StandardCharsets.UTF_8);

    assertThat(format).isIn("ecs", "logstash");
    assertThat(line.strip()).doesNotContain("\n");
    Map<String, Object> json = JsonParserFactory.getJsonParser().parseMap(line);
    assertThat(json)
        .containsEntry("message", "factorization finished")
        .containsEntry("jobId", "4f0c2d7e")
        .containsKey("@timestamp");
    assertThat(json).extractingByKey("service", as(InstanceOfAssertFactories.MAP))
        .containsEntry("name", "snmf-service");
  }
}
