package io.snmfservice.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Points the application context at the test database and a temporary data directory, or the one a test names with
 * {@code snmf.test.data-dir} (containers that mount it need its path before the context starts).
 */
public class TestDatabaseInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

  @Override
  public void initialize(ConfigurableApplicationContext context) {
    TestDatabase.Connection db = TestDatabase.get();
    String named = context.getEnvironment().getProperty("snmf.test.data-dir");
    try {
      TestPropertyValues.of(
              "spring.datasource.url=" + db.url(),
              "spring.datasource.username=" + db.username(),
              "spring.datasource.password=" + db.password(),
              "snmf.data-dir=" + (named != null ? named : Files.createTempDirectory("snmf-test-data")))
          .applyTo(context);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
