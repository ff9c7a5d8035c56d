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
 * the same database finds every event. It runs its own server on its own embedded database, because stopping
 * the suite's shared server would stop every other test.
 */
class AuditSurvivesRestartTest {

	private static final FhirContext FHIR = FhirContext.forR4Cached();

	@Test
	void everyEventWrittenBeforeAStopIsThereAfterIt(@TempDir Path data) throws Exception {
		List<String> patients = new ArrayList<>();
		int before;
		try (ConfigurableApplicationContext server = start(data)) {
			IGenericClient operator = client(server);
			for (int i = 0; i < 5; i++) {
				Patient patient = new Patient();
				patient.addIdentifier().setSystem("https://yilian.health/fhir/sid/resident-id").setValue("5106031990010" + String.format("%04d", i) + "X");
				patient.addName().setText("重启测试" + i);
				patient.setGender(org.hl7.fhir.r4.model.Enumerations.AdministrativeGender.FEMALE);
				String id = operator.create().resource(patient).execute().getId().toUnqualifiedVersionless().getValue();
				operator.read().resource(Patient.class).withUrl(id).execute();
				patients.add(id);
			}
			before = total(operator);
		}
		try (ConfigurableApplicationContext server = start(data)) {
			IGenericClient operator = client(server);
			assertThat(total(operator)).isGreaterThanOrEqualTo(before);
			for (String patient : patients) {
				assertThat(operator.search().byUrl("AuditEvent?entity=" + patient).returnBundle(Bundle.class).execute().getEntry())
						.as("create and read of %s", patient).hasSizeGreaterThanOrEqualTo(2);
			}
		}
	}

	private static ConfigurableApplicationContext start(Path data) {
		return new SpringApplicationBuilder(YilianServerApplication.class).run(
				"--server.port=0", "--yilian.data-dir=" + data, "--yilian.demo-data=false",
				"--spring.datasource.url=jdbc:h2:file:" + data + "/h2/yilian", "--spring.datasource.username=sa", "--spring.datasource.password=");
	}

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
