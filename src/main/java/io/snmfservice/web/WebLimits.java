package io.snmfservice.web;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings under {@code snmf.web.*}: how much of a request body the service reads before refusing it. Each limit
 * is checked while the bytes or tokens arrive, so no body makes the service allocate more than these allow.
 *
 * @param maxRequestBytes largest request body (JSON or upload), counted as read whatever the transfer encoding;
 *     larger bodies get 413
 * @param maxJsonDepth deepest nesting of arrays and objects in a JSON body (400 beyond)
 * @param maxJsonTokens most JSON tokens (values, brackets, names) in one body (413 beyond): bounds the objects a
 *     body of many empty arrays or objects turns into; large token datasets go as {@code content} text instead
 * @param maxJsonNumberLength most characters of one JSON number (400 beyond)
 * @param maxBodyBytesInFlight request bodies this replica reads and holds at once, counted by what each declares
 *     ({@code Content-Length}, else the most it may send); a body that does not fit gets 503 with Retry-After, so
 *     that many large bodies at once cannot exhaust the heap. Bodies under 64 KiB are not counted.
 */
@Validated
@ConfigurationProperties("snmf.web")
public record WebLimits(
    @DefaultValue("67108864") @Min(1) long maxRequestBytes,
    @DefaultValue("64") @Min(1) int maxJsonDepth,
    @DefaultValue("2000000") @Min(1) long maxJsonTokens,
    @DefaultValue("100") @Min(1) int maxJsonNumberLength,
    @DefaultValue("268435456") @Min(1) long maxBodyBytesInFlight) {

  /** The longest JSON string a body can hold: as many characters as it has bytes. */
  public int maxJsonStringLength() {
    return (int) Math.min(Integer.MAX_VALUE - 8, maxRequestBytes);
  }
}
