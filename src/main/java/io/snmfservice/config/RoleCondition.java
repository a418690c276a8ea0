package io.snmfservice.config;

import io.snmfservice.config.SnmfProperties.Role;
import java.util.Locale;
import java.util.Map;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Matches when {@code snmf.role} includes the half named by {@link ConditionalOnRole}. */
class RoleCondition implements Condition {

  @Override
  public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
    Map<String, Object> attributes = metadata.getAnnotationAttributes(ConditionalOnRole.class.getName());
    ConditionalOnRole.Half half = (ConditionalOnRole.Half) attributes.get("value");
    String value = context.getEnvironment().getProperty("snmf.role", "all");
    Role role;
    try {
      role = Role.valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("snmf.role must be all, api or worker, not '" + value + "'");
    }
    return half == ConditionalOnRole.Half.API ? role.servesApi() : role.runsWorkers();
  }
}
