package io.snmfservice.security;

import io.snmfservice.config.ConditionalOnRole;
import io.snmfservice.config.SnmfProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The first admin key, so that somebody can create the others: the configured
 * {@code snmf.security.bootstrap-admin-key} (stored hashed, once), or, when none is configured and the database
 * has no key at all, a generated one written to {@code <data-dir>/admin.key} (mode 0600). The key itself is never
 * logged.
 */
@Component
@ConditionalOnRole(ConditionalOnRole.Half.API)
class BootstrapAdminKey implements ApplicationRunner {

  static final String NAME = "bootstrap-admin";
  static final int MIN_CONFIGURED_LENGTH = 20;
  private static final Logger log = LoggerFactory.getLogger(BootstrapAdminKey.class);

  private final ApiKeys keys;
  private final SecurityProperties settings;
  private final Path keyFile;
  private final JdbcClient jdbc;
  private final TransactionTemplate transactions;

  BootstrapAdminKey(ApiKeys keys, SecurityProperties settings, SnmfProperties properties, JdbcClient jdbc,
      TransactionTemplate transactions) {
    this.keys = keys;
    this.settings = settings;
    this.keyFile = properties.dataDir().resolve("admin.key");
    this.jdbc = jdbc;
    this.transactions = transactions;
    String configured = settings.bootstrapAdminKey();
    if (configured != null && !configured.isBlank() && configured.trim().length() < MIN_CONFIGURED_LENGTH) {
      throw new IllegalStateException("snmf.security.bootstrap-admin-key must be at least " + MIN_CONFIGURED_LENGTH
          + " characters long; generate one with: openssl rand -base64 32");
    }
  }

  @Override
  public void run(ApplicationArguments args) {
    if (settings.mode() == SecurityProperties.Mode.OPEN) {
      return;
    }
    transactions.executeWithoutResult(status -> {
      // replicas starting together: one of them decides
      jdbc.sql("SELECT pg_advisory_xact_lock(hashtext('bootstrap_admin_key'))").query(Object.class).optional();
      String configured = settings.bootstrapAdminKey();
      if (configured != null && !configured.isBlank()) {
        if (keys.register(NAME, Role.ADMIN, configured.trim())) {
          log.info("Stored the configured bootstrap admin key (snmf.security.bootstrap-admin-key)");
        }
      } else if (keys.count() == 0) {
        CreatedApiKey created = keys.create(NAME, Role.ADMIN, null, null);
        write(created.key());
        log.info("Generated the first admin key into {} (readable by this user only)", keyFile.toAbsolutePath());
      }
    });
  }

  private void write(String key) {
    try {
      Files.createDirectories(keyFile.getParent());
      Files.deleteIfExists(keyFile);
      try {
        Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        Files.createFile(keyFile); // not a POSIX file system
      }
      Files.writeString(keyFile, key + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the generated admin key to " + keyFile, e);
    }
  }
}
