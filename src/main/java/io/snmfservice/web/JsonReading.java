package io.snmfservice.web;

import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.http.converter.autoconfigure.ServerHttpMessageConvertersCustomizer;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import tools.jackson.core.JsonParser;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.deser.DeserializationProblemHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * How request bodies are read as JSON: with the application's mapper settings, but on a parser held to
 * {@code snmf.web.*} (document length, nesting depth, token count, string and number length), so that a body
 * within the byte limit still cannot nest deep enough to exhaust the stack or expand into millions of objects; and
 * strictly: a field the request does not have is refused (400 naming it, {@link UnknownField}) instead of being
 * ignored, so that a misspelt setting cannot quietly fall back to its default. Only the HTTP converter gets these
 * rules; the service's own JSON (stored job parameters and results, checkpoints) is read as before, so that
 * parameters stored by an older version still read.
 */
@Configuration(proxyBeanMethods = false)
class JsonReading {

  @Bean
  ServerHttpMessageConvertersCustomizer boundedJsonBodies(WebLimits limits,
      ObjectProvider<JsonMapperBuilderCustomizer> customizers) {
    JsonMapper.Builder builder = JsonMapper.builder(JsonFactory.builder().streamReadConstraints(constraints(limits)).build());
    customizers.orderedStream().forEach(c -> c.customize(builder));
    builder.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).addHandler(new ReadUnknownValueFirst());
    JacksonJsonHttpMessageConverter bounded = new JacksonJsonHttpMessageConverter(builder.build());
    return converters -> converters.configureMessageConvertersList(list -> replaceJson(list, bounded));
  }

  static StreamReadConstraints constraints(WebLimits limits) {
    return StreamReadConstraints.builder()
        .maxDocumentLength(limits.maxRequestBytes())
        .maxNestingDepth(limits.maxJsonDepth())
        .maxTokenCount(limits.maxJsonTokens())
        .maxStringLength(limits.maxJsonStringLength())
        .maxNumberLength(limits.maxJsonNumberLength())
        .build();
  }

  /**
   * Reads an unknown field's value through before the field is refused, so that the parser's limits hold for the
   * whole body whatever its field names (a deeply nested unknown field is refused for its depth, as before).
   */
  static final class ReadUnknownValueFirst extends DeserializationProblemHandler {

    @Override
    public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, ValueDeserializer<?> deserializer,
        Object beanOrClass, String propertyName) {
      p.skipChildren();
      return false; // not handled: FAIL_ON_UNKNOWN_PROPERTIES refuses the field
    }
  }

  private static void replaceJson(List<HttpMessageConverter<?>> list, JacksonJsonHttpMessageConverter bounded) {
    list.replaceAll(c -> c.getClass() == JacksonJsonHttpMessageConverter.class ? bounded : c);
  }
}
