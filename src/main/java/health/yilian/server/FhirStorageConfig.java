package health.yilian.server;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.batch2.jobs.config.Batch2JobsConfig;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.batch2.JpaBatch2Config;
import ca.uhn.fhir.jpa.api.config.ThreadPoolFactoryConfig;
import ca.uhn.fhir.jpa.config.HapiJpaConfig;
import ca.uhn.fhir.jpa.config.r4.JpaR4Config;
import ca.uhn.fhir.jpa.config.util.HapiEntityManagerFactoryUtil;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.dialect.HapiFhirH2Dialect;
import ca.uhn.fhir.jpa.model.dialect.HapiFhirPostgresDialect;
import ca.uhn.fhir.jpa.search.HapiHSearchAnalysisConfigurers;
import ca.uhn.fhir.jpa.subscription.channel.config.SubscriptionChannelConfig;
import jakarta.persistence.EntityManagerFactory;
import java.util.Properties;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;

/**
 * HAPI's JPA storage for FHIR R4: its own Spring configurations plus the few beans they expect the
 * application to supply (storage settings, partition settings, the entity manager factory).
 */
@Configuration
@Import({JpaR4Config.class, HapiJpaConfig.class, ThreadPoolFactoryConfig.class, JpaBatch2Config.class, Batch2JobsConfig.class,
	SubscriptionChannelConfig.class})
public class FhirStorageConfig {

	@Bean
	public JpaStorageSettings storageSettings() {
		JpaStorageSettings settings = new JpaStorageSettings();
		// _content and _text are answered by the Lucene index (see the fulltext package for Chinese).
		settings.setHibernateSearchIndexFullText(true);
		// Search parameters stay in the database; indexing them in Lucene too would slow every write.
		settings.setHibernateSearchIndexSearchParams(false);
		settings.setAllowContainsSearches(true);
		// Identifiers are how member hospitals find their own records: keep them unique-enough to be useful.
		settings.setUniqueIndexesEnabled(true);
		// A search answers what is stored now: HAPI would otherwise hand back the same search's results for a
		// minute, so an LIS that posts and then searches, or an auditor watching refusals, would see stale pages.
		settings.setReuseCachedSearchResultsForMillis(null);
		// The GET entries of a batch run one after another on the request's own thread: HAPI would otherwise run them
		// on a pool beside it, where the per-request state its consent mechanism keeps (shared by every entry) is
		// written by several threads at once.
		settings.setBundleBatchPoolSize(1);
		settings.setBundleBatchMaxPoolSize(1);
		return settings;
	}

	@Bean
	public PartitionSettings partitionSettings() {
		return new PartitionSettings();
	}

	@Bean
	@Primary
	public LocalContainerEntityManagerFactoryBean entityManagerFactory(
			ConfigurableListableBeanFactory beanFactory,
			FhirContext fhirContext,
			JpaStorageSettings storageSettings,
			DataSource dataSource,
			DataSourceProperties dataSourceProperties,
			YilianProperties yilian) {
		LocalContainerEntityManagerFactoryBean factory =
				HapiEntityManagerFactoryUtil.newEntityManagerFactory(beanFactory, fhirContext, storageSettings);
		factory.setPersistenceUnitName("HAPI_PU");
		factory.setDataSource(dataSource);
		factory.setJpaProperties(hibernateProperties(dataSourceProperties.determineUrl(), yilian));
		return factory;
	}

	@Bean
	@Primary
	public JpaTransactionManager transactionManager(EntityManagerFactory entityManagerFactory) {
		return new JpaTransactionManager(entityManagerFactory);
	}

	static Properties hibernateProperties(String jdbcUrl, YilianProperties yilian) {
		Properties p = new Properties();
		p.put("hibernate.dialect", dialectFor(jdbcUrl));
		p.put("hibernate.hbm2ddl.auto", yilian.schemaUpdate());
		p.put("hibernate.jdbc.batch_size", "50");
		p.put("hibernate.order_inserts", "true");
		p.put("hibernate.order_updates", "true");
		p.put("hibernate.cache.use_query_cache", "false");
		p.put("hibernate.cache.use_second_level_cache", "false");
		// Envers only audits MDM links, a HAPI module we do not run; AuditEvent is our audit trail.
		p.put("hibernate.integration.envers.enabled", "false");
		p.put("hibernate.search.enabled", "true");
		// HAPI's indexed entities are found through Hibernate ORM; scanning jars for Jandex indexes only slows start.
		p.put("hibernate.search.mapping.build_missing_discovered_jandex_indexes", "false");
		p.put("hibernate.search.mapping.discover_annotated_types_from_root_mapping_annotations", "false");
		p.put("hibernate.search.backend.type", "lucene");
		p.put("hibernate.search.backend.directory.type", "local-filesystem");
		p.put("hibernate.search.backend.directory.root", yilian.effectiveLuceneDir().toAbsolutePath().toString());
		p.put("hibernate.search.backend.lucene_version", "LUCENE_CURRENT");
		p.put(
				"hibernate.search.backend.analysis.configurer",
				HapiHSearchAnalysisConfigurers.HapiLuceneAnalysisConfigurer.class.getName());
		// read-sync: a write returns once the index change is visible to searches, without waiting for an
		// fsync of the index (write-sync halves ingest; the database stays the source of truth).
		p.put("hibernate.search.indexing.plan.synchronization.strategy", "read-sync");
		return p;
	}

	static String dialectFor(String jdbcUrl) {
		if (jdbcUrl.startsWith("jdbc:postgresql:")) {
			return HapiFhirPostgresDialect.class.getName();
		}
		if (jdbcUrl.startsWith("jdbc:h2:")) {
			return HapiFhirH2Dialect.class.getName();
		}
		throw new IllegalStateException(
				"Unsupported database URL " + jdbcUrl + ": Yilian runs on PostgreSQL (production) or H2 (embedded)");
	}
}
