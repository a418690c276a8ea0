package io.snmfservice.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Tier tag {@code slow}: a class that took 15 s or more on the shared 2-core build machine, mostly for an
 * application context, service processes or PostgreSQL servers of its own, or a long computation.
 * {@code ./mvnw test} runs these too; {@code ./mvnw test -Pquick} leaves them out. jqwik reads only its own tag
 * annotation, hence both.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Tag("slow")
@net.jqwik.api.Tag("slow")
public @interface SlowTest {}
