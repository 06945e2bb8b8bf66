package eu.runlater.platform.web;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.core.annotation.AliasFor;
import org.springframework.stereotype.Controller;

/**
 * A dashboard page controller: errors it raises render as the app's error pages (the API's
 * controllers answer problem details instead), and its model carries the signed-in viewer.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Controller
public @interface Pages {
  @AliasFor(annotation = Controller.class)
  String value() default "";
}
