package eu.runlater.platform.errors;

import org.springframework.boot.http.converter.autoconfigure.ServerHttpMessageConvertersCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON request bodies Spring MVC reads refuse the NUL character ({@link NulCharacters}). Only
 * the server's converter reads with that mapper: what the application reads on its own (stored
 * JSON, inbound webhooks' raw bytes, HTTP responses) and every answer it writes are unchanged.
 */
@Configuration(proxyBeanMethods = false)
class RequestBodyJson {
  @Bean
  ServerHttpMessageConvertersCustomizer nulCharactersRefused(JsonMapper json) {
    JsonMapper reading = json.rebuild().addModule(NulCharacters.module()).build();
    // The list is final here: Boot's own JSON converter has been added to it by then.
    return builder ->
        builder.configureMessageConvertersList(
            list ->
                list.replaceAll(
                    c ->
                        c.getClass() == JacksonJsonHttpMessageConverter.class
                            ? new JacksonJsonHttpMessageConverter(reading)
                            : c));
  }
}
