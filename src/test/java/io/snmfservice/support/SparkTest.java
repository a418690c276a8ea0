package io.snmfservice.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Tier tag {@code spark}: submits work to the Spark path (a local Spark through spark/target's Spark home).
 * {@code ./mvnw test} runs these too; {@code ./mvnw test -Pquick} leaves them out.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Tag("spark")
public @interface SparkTest {}
