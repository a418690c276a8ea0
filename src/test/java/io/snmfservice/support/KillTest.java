package io.snmfservice.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Tier tag {@code kill}: kills or stops processes (the service, its workers, PostgreSQL) and checks what survives.
 * {@code ./mvnw test} runs these too; {@code ./mvnw test -Pquick} leaves them out.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Tag("kill")
public @interface KillTest {}
