package io.snmfservice.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Tier tag {@code browser}: drives a headless Chromium through the dashboard (needs chromium and chromium-driver).
 * {@code ./mvnw test} runs these too; {@code ./mvnw test -Pquick} leaves them out.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Tag("browser")
public @interface BrowserTest {}
