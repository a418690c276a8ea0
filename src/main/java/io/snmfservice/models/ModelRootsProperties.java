package io.snmfservice.models;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings under {@code snmf.models.*}.
 *
 * @param allowedRoots directories inside which {@code local} and {@code llama2c} models may be registered; empty
 *     means {@code <data-dir>/models} and the Hugging Face hub cache (strings: Spring would read a Path as a
 *     classpath-style resource)
 */
@ConfigurationProperties("snmf.models")
public record ModelRootsProperties(List<String> allowedRoots) {}
