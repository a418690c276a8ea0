package io.snmfservice.models;

import io.snmfservice.models.hub.DownloadLimits;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The operator's say over hub models: which repositories submitters may register (and the server's token may be
 * sent for), and the bounds of a download. See {@link HubPolicyProperties}.
 */
@Component
public class HubPolicy {

  static final String SETTING = "snmf.models.hub.allowed-repos";
  private static final Logger log = LoggerFactory.getLogger(HubPolicy.class);

  private final List<String> patterns;
  private final List<Pattern> compiled;
  private final DownloadLimits limits;

  public HubPolicy(HubPolicyProperties properties) {
    this.patterns = properties.allowedRepos() == null ? List.of()
        : properties.allowedRepos().stream().map(String::trim).filter(p -> !p.isEmpty()).toList();
    this.compiled = patterns.stream().map(HubPolicy::glob).toList();
    this.limits = new DownloadLimits(properties.maxDownloadBytes().toBytes(), properties.minFreeBytes().toBytes());
    log.info("Submitters may register hub models matching {}; downloads up to {} bytes, keeping {} bytes free",
        patterns, limits.maxDownloadBytes(), limits.minFreeBytes());
  }

  /** Whether the repository matches an allowed pattern (hub ids are case-insensitive, so is the match). */
  public boolean allows(String repoId) {
    String repo = repoId.trim();
    return compiled.stream().anyMatch(p -> p.matcher(repo).matches());
  }

  public List<String> patterns() {
    return patterns;
  }

  public DownloadLimits limits() {
    return limits;
  }

  /** {@code *} stands for any characters within one path segment; everything else is literal. */
  private static Pattern glob(String pattern) {
    StringBuilder regex = new StringBuilder();
    for (String part : pattern.split("\\*", -1)) {
      if (!regex.isEmpty()) {
        regex.append("[^/]*");
      }
      regex.append(Pattern.quote(part));
    }
    return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
  }
}
