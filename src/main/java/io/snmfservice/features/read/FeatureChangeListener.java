package io.snmfservice.features.read;

import io.snmfservice.config.ConditionalOnRole;
import io.snmfservice.storage.ChannelListener;
import javax.sql.DataSource;
import org.springframework.stereotype.Component;

/**
 * Empties {@link FeatureResponseCache} whenever a statement changes a factorization, its features or their
 * descriptions, on any replica or worker ({@code feature_reads_changed}, V17).
 */
@Component
@ConditionalOnRole(ConditionalOnRole.Half.API)
class FeatureChangeListener extends ChannelListener {

  static final String CHANNEL = "feature_reads_changed";

  FeatureChangeListener(DataSource dataSource, FeatureResponseCache cache) {
    super(dataSource, CHANNEL, "feature reads skip their cache", cache::setSubscribed, payload -> cache.clear());
  }
}
