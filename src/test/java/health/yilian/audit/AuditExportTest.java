package health.yilian.audit;

import static org.assertj.core.api.Assertions.assertThat;

import health.yilian.server.FhirServerTestSupport;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * The health commission takes the trail away as NDJSON with Bulk Data {@code $export}: an auditor starts it, polls
 * it, downloads each file; a member system may not.
 */
class AuditExportTest extends FhirServerTestSupport {

	@org.springframework.beans.factory.annotation.Autowired
	ca.uhn.fhir.batch2.api.IJobMaintenanceService jobMaintenance;

	@Test
	void anAuditorExportsTheTrailAsNdjsonAndAMemberSystemMayNot() throws Exception {
		String auditor = "Bearer " + token("commission-auditor", "auditor-demo-secret");
		HttpResponse<String> kickOff = send("GET", "/fhir/$export?_type=AuditEvent", null, "Authorization", auditor,
				"Prefer", "respond-async", "Accept", "application/fhir+json");
		assertThat(kickOff.statusCode()).as(kickOff.body()).isEqualTo(202);
		String status = kickOff.headers().firstValue("Content-Location").orElseThrow();
		String path = status.substring(status.indexOf("/fhir/"));

		HttpResponse<String> done = null;
		for (int i = 0; i < 240; i++) {
			done = send("GET", path, null, "Authorization", auditor);
			if (done.statusCode() != 202) {
				break;
			}
			// HAPI's batch jobs move on at each maintenance pass, every minute; ask for the next one now.
			jobMaintenance.runMaintenancePass();
			Thread.sleep(500);
		}
		assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
		com.fasterxml.jackson.databind.JsonNode manifest = new com.fasterxml.jackson.databind.ObjectMapper().readTree(done.body());
		assertThat(manifest.path("output")).isNotEmpty();
		String file = manifest.path("output").get(0).path("url").asText();
		assertThat(manifest.path("output").get(0).path("type").asText()).isEqualTo("AuditEvent");
		HttpResponse<String> ndjson = send("GET", file.substring(file.indexOf("/fhir/")), null, "Authorization", auditor,
				"Accept", "application/fhir+ndjson");
		assertThat(ndjson.statusCode()).as(ndjson.body()).isEqualTo(200);
		assertThat(ndjson.body().lines().findFirst().orElseThrow()).contains("\"resourceType\":\"AuditEvent\"");

		HttpResponse<String> member = send("GET", "/fhir/$export?_type=AuditEvent", null,
				"Authorization", "Bearer " + token("deyang-his", "deyang-his-demo-secret"), "Prefer", "respond-async");
		assertThat(member.statusCode()).isEqualTo(403);
	}
}
