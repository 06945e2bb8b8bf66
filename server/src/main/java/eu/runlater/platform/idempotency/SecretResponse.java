package eu.runlater.platform.idempotency;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an API handler whose successful answer carries a secret shown once (a created API key, a
 * rotated signing secret). The idempotency layer never stores such an answer: it records only that
 * the request succeeded, and a repeat with the same {@code Idempotency-Key} is refused with a 409
 * that says so, instead of doing the work a second time or handing the secret out again.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface SecretResponse {}
