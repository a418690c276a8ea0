package io.snmfservice.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Runs the class beside the others, one such class at a time (junit-platform.properties enables this; every other
 * class runs in order on the main lane). Only for classes that share nothing with the rest: they drive their own
 * service processes or containers on their own database or data directory, and spend most of their time waiting for
 * processes to start and stop, so the two lanes together take much less time than one after the other.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock("side-lane")
public @interface SideLane {}
