package io.snmfservice.web;

import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.http.converter.autoconfigure.ServerHttpMessageConvertersCustomizer;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * How request bodies are read as JSON: with the application's mapper settings, but on a parser held to
 * {@code snmf.web.*} (document length, nesting depth, token count, string and number length), so that a body
 * within the byte limit still cannot nest deep enough to exhaust the stack or expand into millions of objects.
 * Only the HTTP converter gets these limits; the service's own JSON (stored results, checkpoints) is read as before.
 */
@Configuration(proxyBeanMethods = false)
class JsonReading {

  @Bean
  ServerHttpMessageConvertersCustomizer boundedJsonBodies(WebLimits limits,
      ObjectProvider<JsonMapperBuilderCustomizer> customizers) {
    JsonMapper.Builder builder = JsonMapper.builder(JsonFactory.builder().streamReadConstraints(constraints(limits)).build());
    customizers.orderedStream().forEach(c -> c.customize(builder));
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

  private static void replaceJson(List<HttpMessageConverter<?>> list, JacksonJsonHttpMessageConverter bounded) {
    list.replaceAll(c -> c.getClass() == JacksonJsonHttpMessageConverter.class ? bounded : c);
  }
}
