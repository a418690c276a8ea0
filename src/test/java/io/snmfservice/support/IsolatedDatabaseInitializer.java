package io.snmfservice.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Like {@link TestDatabaseInitializer}, but on a fresh database of its own: for tests that count rows or jobs and
 * must not see (or have their jobs taken by) the application contexts of other tests.
 */
public class IsolatedDatabaseInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

  @Override
  public void initialize(ConfigurableApplicationContext context) {
    TestDatabase.Connection db = TestDatabase.createDatabase("isolated_" + System.nanoTime());
    try {
      TestPropertyValues.of(
              "spring.datasource.url=" + db.url(),
              "spring.datasource.username=" + db.username(),
              "spring.datasource.password=" + db.password(),
              "snmf.data-dir=" + Files.createTempDirectory("snmf-test-data"))
          .applyTo(context);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
