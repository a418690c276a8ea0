package io.snmfservice.security;

import io.snmfservice.storage.ChannelListener;
import javax.sql.DataSource;
import org.springframework.stereotype.Component;

/**
 * Keeps {@link KeyCache} honest across replicas: listens on the {@code api_key_changed} channel, which a trigger on
 * {@code api_key} notifies with the key's id when a key is revoked, expires differently, changes role or is deleted
 * (V14), and evicts that key. The cache is used only while this subscription stands.
 */
@Component
class KeyChangeListener extends ChannelListener {

  static final String CHANNEL = "api_key_changed";

  KeyChangeListener(DataSource dataSource, KeyCache cache) {
    super(dataSource, CHANNEL, "every request checks its key in the database", cache::setSubscribed,
        payload -> cache.evict(Long.parseLong(payload)));
  }
}
