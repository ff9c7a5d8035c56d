package health.yilian.audit;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import health.yilian.server.YilianServerApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Audit events are not lost when the server stops: a server writes and reads, is stopped, and a new server on
 * the same database finds every event. It runs its own server on a database of its own (a PostgreSQL database beside
 * the suite's, or an embedded H2 file), because stopping the suite's shared server would stop every other test.
 */
class AuditSurvivesRestartTest {

	private static final FhirContext FHIR = FhirContext.forR4Cached();

	@Test
	void everyEventWrittenBeforeAStopIsThereAfterIt(@TempDir Path data) throws Exception {
		String database = ownDatabase(data);
		List<String> patients = new ArrayList<>();
		int before;
		try (ConfigurableApplicationContext server = start(data, database)) {
			IGenericClient operator = client(server);
			for (int i = 0; i < 5; i++) {
				Patient patient = new Patient();
				patient.addIdentifier().setSystem("https://yilian.health/fhir/sid/resident-id").setValue(health.yilian.server.FhirServerTestSupport.newResidentId());
				patient.addName().setText("重启测试" + i);
				patient.setGender(org.hl7.fhir.r4.model.Enumerations.AdministrativeGender.FEMALE);
				String id = operator.create().resource(patient).execute().getId().toUnqualifiedVersionless().getValue();
				operator.read().resource(Patient.class).withUrl(id).execute();
				patients.add(id);
			}
			before = total(operator);
		}
		try (ConfigurableApplicationContext server = start(data, database)) {
			IGenericClient operator = client(server);
			assertThat(total(operator)).isGreaterThanOrEqualTo(before);
			for (String patient : patients) {
				assertThat(operator.search().byUrl("AuditEvent?entity=" + patient).returnBundle(Bundle.class).execute().getEntry())
						.as("create and read of %s", patient).hasSizeGreaterThanOrEqualTo(2);
			}
		}
	}

	private static ConfigurableApplicationContext start(Path data, String database) {
		return new SpringApplicationBuilder(YilianServerApplication.class).run(
				"--server.port=0", "--yilian.data-dir=" + data, "--yilian.demo-data=false", "--spring.datasource.url=" + database,
				"--spring.datasource.username=" + System.getProperty("spring.datasource.username", "sa"),
				"--spring.datasource.password=" + System.getProperty("spring.datasource.password", ""));
	}

	/**
	 * A database of its own: on PostgreSQL (the suite's {@code -Ppostgres}) a fresh database beside the suite's,
	 * otherwise an embedded H2 file.
	 */
	private static String ownDatabase(Path data) throws Exception {
		String suite = System.getProperty("spring.datasource.url", "");
		if (!suite.startsWith("jdbc:postgresql:")) {
			return "jdbc:h2:file:" + data + "/h2/yilian;DB_CLOSE_ON_EXIT=FALSE";
		}
		try (Connection connection = DriverManager.getConnection(suite, System.getProperty("spring.datasource.username"),
				System.getProperty("spring.datasource.password"))) {
			connection.createStatement().execute("DROP DATABASE IF EXISTS " + DATABASE);
			connection.createStatement().execute("CREATE DATABASE " + DATABASE + " ENCODING 'UTF8'");
		}
		return suite.replaceFirst("/[^/?]+(\\?|$)", "/" + DATABASE + "$1");
	}

	private static final String DATABASE = "yilian_audit_restart_test";

	private static int total(IGenericClient client) {
		return client.search().byUrl("AuditEvent?_summary=count").returnBundle(Bundle.class).execute().getTotal();
	}

	private static IGenericClient client(ConfigurableApplicationContext server) throws Exception {
		String base = "http://localhost:" + server.getEnvironment().getProperty("local.server.port");
		HttpResponse<String> token = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/oauth2/token"))
				.header("Content-Type", "application/x-www-form-urlencoded")
				.header("Authorization", "Basic " + Base64.getEncoder().encodeToString("yilian-operator:operator-demo-secret".getBytes(StandardCharsets.UTF_8)))
				.POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(), HttpResponse.BodyHandlers.ofString());
		String accessToken = new com.fasterxml.jackson.databind.ObjectMapper().readTree(token.body()).get("access_token").asText();
		FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
		IGenericClient client = FHIR.newRestfulGenericClient(base + "/fhir");
		client.registerInterceptor(new BearerTokenAuthInterceptor(accessToken));
		return client;
	}
}
