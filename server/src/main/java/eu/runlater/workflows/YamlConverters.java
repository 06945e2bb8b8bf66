package eu.runlater.workflows;

import org.springframework.boot.http.converter.autoconfigure.ServerHttpMessageConvertersCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.converter.yaml.JacksonYamlHttpMessageConverter;

/**
 * Spring registers a YAML message converter for every endpoint as soon as Jackson's YAML module is
 * on the classpath (it is, for workflow definitions). That one reads with the parser's defaults and
 * writes field names unlike the JSON API's; YAML is a workflow definition's format only, read and
 * written by {@link WorkflowYaml} with its limits, so the general converter is taken out.
 */
@Configuration(proxyBeanMethods = false)
class YamlConverters {
  @Bean
  ServerHttpMessageConvertersCustomizer noGeneralYamlConverter() {
    return builder ->
        builder.configureMessageConvertersList(
            list -> list.removeIf(c -> c instanceof JacksonYamlHttpMessageConverter));
  }
}
