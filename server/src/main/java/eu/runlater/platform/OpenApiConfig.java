package eu.runlater.platform;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI document's header and its bearer-key security scheme. */
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
}
