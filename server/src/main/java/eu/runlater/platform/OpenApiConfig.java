package eu.runlater.platform;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.providers.ObjectMapperProvider;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document's header, its bearer-key security scheme, and its schemas named as the API
 * speaks.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfig {
  @Bean
  OpenAPI runlaterOpenApi() {
    return new OpenAPI()
        .info(
            new Info()
                .title("Runlater API")
                .version("v1")
                .description(
                    "Scheduled HTTP jobs, queues and signed delivery. Authenticate with"
                        + " 'Authorization: Bearer pk_live_….sk_live_…'. Errors are RFC 9457"
                        + " problem details. Each key has a rate limit by tier (a push costs one unit"
                        + " per message): answers carry RateLimit-Policy and RateLimit headers, and"
                        + " past the quota a 429 with Retry-After. Caps by tier (waiting messages,"
                        + " stored bytes) answer 429 with a type naming the cap."))
        .components(
            new Components()
                .addSecuritySchemes(
                    "apiKey",
                    new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP)
                        .scheme("bearer")
                        .bearerFormat("pk_live_….sk_live_…")))
        .addSecurityItem(new SecurityRequirement().addList("apiKey"));
  }

  /**
   * springdoc reads the models with swagger's own (Jackson 2) mapper, which knows nothing of {@code
   * spring.jackson.property-naming-strategy} (Boot's Jackson 3 has it): without this resolver every
   * property appeared in camelCase ({@code timeoutMs}) while requests and answers use snake_case
   * ({@code timeout_ms}). A free-form JSON value (a job's body, a message's payload: Jackson 3's
   * {@code JsonNode}) is any JSON value, not an object with JsonNode's getters.
   */
  @Bean
  ModelResolver snakeCaseModels(ObjectMapperProvider mappers) {
    SpringDocUtils.getConfig()
        .replaceWithSchema(
            tools.jackson.databind.JsonNode.class,
            new Schema<Object>().description("Any JSON value"));
    return new ModelResolver(
        mappers.jsonMapper().copy().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE));
  }
}
