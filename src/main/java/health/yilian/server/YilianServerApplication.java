package health.yilian.server;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
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
// and a second migration run that we do not use (HAPI's schema is managed as the README describes).
@SpringBootApplication(
		scanBasePackages = "health.yilian",
		exclude = {
			ElasticsearchRestClientAutoConfiguration.class,
			ElasticsearchClientAutoConfiguration.class,
			ThymeleafAutoConfiguration.class,
			FlywayAutoConfiguration.class
		})
@ConfigurationPropertiesScan("health.yilian")
public class YilianServerApplication {

	public static void main(String[] args) {
		preloadCoreDefinitions();
		SpringApplication.run(YilianServerApplication.class, args);
	}

	/**
	 * HAPI parses the R4 core StructureDefinitions (about 2 s) on the main thread when it builds its search parameter
	 * extractor, while the second core idles through Spring's configuration parsing. HAPI holds the parsed definitions
	 * once per FHIR version for every context, so parsing them here first, beside Spring, takes them off the boot's
	 * critical path (bench/RESULTS.md).
	 */
	private static void preloadCoreDefinitions() {
		Thread preload = new Thread(() -> new DefaultProfileValidationSupport(FhirContext.forR4Cached()).fetchAllStructureDefinitions(),
				"core-definitions-preload");
		preload.setDaemon(true);
		preload.start();
	}
}
