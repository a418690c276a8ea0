package io.snmfservice.activations;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings under {@code snmf.activations.*}.
 *
 * @param retention activation sets not used by a factorization and not reused for this long are deleted; zero (the
 *     default) keeps them until deleted through the API
 * @param retentionCheck how often retention looks for such sets
 * @param maxStoreSize most bytes the activation store may hold (e.g. {@code 200GB}); a collection that would go
 *     beyond fails with 507 and leaves no partial files. Zero (the default): only the file system limits it
 */
@ConfigurationProperties("snmf.activations")
public record ActivationStoreProperties(
    @DefaultValue("0s") Duration retention,
    @DefaultValue("1h") Duration retentionCheck,
    @DefaultValue("0B") DataSize maxStoreSize) {}
