package io.snmfservice.activations;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings under {@code snmf.activations.*}.
 *
 * @param retention activation sets not used by a factorization and not reused for this long are deleted; zero (the
 *     default) keeps them until deleted through the API
 * @param retentionCheck how often retention looks for such sets
 */
@ConfigurationProperties("snmf.activations")
public record ActivationStoreProperties(
    @DefaultValue("0s") Duration retention,
    @DefaultValue("1h") Duration retentionCheck) {}
