package health.yilian.server;

import health.yilian.guide.CoreDefinitions;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.elasticsearch.ElasticsearchClientAutoConfiguration;
import org.springframework.boot.autoconfigure.elasticsearch.ElasticsearchRestClientAutoConfiguration;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.autoconfigure.thymeleaf.ThymeleafAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The Yilian FHIR server. Component scanning covers {@code health.yilian}: each capability package
 * contributes its own interceptors and providers, this package wires HAPI.
 */
// Hibernate Search ships the Elasticsearch client for scale-out, HAPI's narratives bring Thymeleaf and its
// migrator brings Flyway; Boot would otherwise start a client (and a failing health check), a template engine
// and a second migration run that we do not use (HAPI's schema is managed as the README describes). Boot's error
// page would answer a failure outside HAPI (in a filter) with its own JSON; Tomcat's page is ours, an
// OperationOutcome (JsonErrorPages).
@SpringBootApplication(
		scanBasePackages = "health.yilian",
		exclude = {
			ElasticsearchRestClientAutoConfiguration.class,
			ElasticsearchClientAutoConfiguration.class,
			ThymeleafAutoConfiguration.class,
			FlywayAutoConfiguration.class,
			org.springframework.boot.autoconfigure.web.servlet.error.ErrorMvcAutoConfiguration.class
		})
@ConfigurationPropertiesScan("health.yilian")
public class YilianServerApplication {

	public static void main(String[] args) {
		CoreDefinitions.preload();
		SpringApplication.run(YilianServerApplication.class, args);
	}
}
