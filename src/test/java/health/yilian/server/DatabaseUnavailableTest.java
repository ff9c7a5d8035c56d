package health.yilian.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * PostgreSQL terminating the server's connections under load (a restart, a failover, an operator's
 * pg_terminate_backend) gives each request in flight a 503 with Retry-After or a success, never a 500; every write
 * acknowledged is stored, and the server serves as before once the pool has reconnected.
 */
class DatabaseUnavailableTest extends FhirServerTestSupport {

	@Autowired
	DataSource dataSource;

	@Test
	void connectionsTerminatedUnderLoadAnswer503WithRetryAfterNever500() throws Exception {
		try (Connection connection = dataSource.getConnection()) {
			Assumptions.assumeTrue(connection.getMetaData().getURL().startsWith("jdbc:postgresql:"), "PostgreSQL terminates backends");
		}
		String token = token(OPERATOR, OPERATOR_SECRET);
		ConcurrentLinkedQueue<HttpResponse<String>> answers = new ConcurrentLinkedQueue<>();
		ConcurrentLinkedQueue<String> stored = new ConcurrentLinkedQueue<>();
		ExecutorService clients = Executors.newFixedThreadPool(4);
		long until = System.currentTimeMillis() + 6_000;
		for (int c = 0; c < 4; c++) {
			clients.submit(() -> {
				while (System.currentTimeMillis() < until) {
					String mrn = unique("DB-");
					HttpResponse<String> answer = send("POST", "/fhir/Patient", patient(mrn), "Authorization", "Bearer " + token);
					answers.add(answer);
					if (answer.statusCode() == 201) {
						stored.add(mrn);
					}
					answers.add(send("GET", "/fhir/Patient?identifier=" + mrn, null, "Authorization", "Bearer " + token));
				}
				return null;
			});
		}
		for (int kill = 0; kill < 5; kill++) {
			Thread.sleep(900);
			try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
				statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
						+ " AND pid <> pg_backend_pid() AND usename = current_user");
			}
		}
		clients.shutdown();
		assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

		assertThat(answers).isNotEmpty();
		List<String> others = new ArrayList<>(answers.stream().filter(a -> a.statusCode() != 200 && a.statusCode() != 201 && a.statusCode() != 503)
				.map(a -> a.statusCode() + " " + a.body()).toList());
		assertThat(others).as("answers other than a success or 503 while connections were terminated").isEmpty();
		answers.stream().filter(a -> a.statusCode() == 503).forEach(a -> {
			assertThat(a.headers().firstValue("Retry-After")).isPresent();
			assertThat(a.body()).contains("OperationOutcome").contains("send it again");
		});
		Thread.sleep(1_000);
		for (String mrn : stored) {
			assertThat(fhir.search().byUrl("Patient?identifier=" + mrn).returnBundle(Bundle.class).execute().getEntry())
					.as("acknowledged " + mrn).hasSize(1);
		}
	}

	private static String patient(String mrn) {
		Patient patient = example("Patient-wang-xiuying", Patient.class);
		patient.setId((String) null);
		patient.getIdentifier().forEach(i -> i.setValue(i.getSystem().equals(RESIDENT_ID) ? newResidentId() : mrn));
		return fhirContext().newJsonParser().encodeResourceToString(patient);
	}
}
