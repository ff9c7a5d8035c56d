package health.yilian.audit;

import static org.assertj.core.api.Assertions.assertThat;

import health.yilian.server.FhirServerTestSupport;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/**
 * The ledger: a scripted session of one member system (reads, searches with and without results, a count, an
 * operation, batch entries, a write, refusals by the access policy, a rule, the parser and Tomcat) yields exactly the
 * events it should, each of that client and its organisation, none missing and none twice; and the chain verifies.
 */
class AuditLedgerTest extends FhirServerTestSupport {

	private static final String SECOND = "Organization/deyang-second-peoples-hospital";
	private static final String SECOND_MRN = SID + "mrn/12510600452070002C";

	@Test
	void aScriptedSessionYieldsExactlyOneEventPerInteractionEachOfItsClient() throws Exception {
		String token = "Bearer " + token("second-his", "second-his-demo-secret");
		Patient li = example("Patient-wang-xiuying", Patient.class);
		li.setId((String) null);
		li.getName().get(0).setText("李建国").setFamily("李").getGiven().get(0).setValue("建国");
		li.getIdentifier().clear();
		li.addIdentifier(new Identifier().setSystem(RESIDENT_ID).setValue(newResidentId()));
		li.addIdentifier(new Identifier().setSystem(SECOND_MRN).setValue(unique("EY")));
		String patient = json(li);
		String nobody = unique("nobody");

		HttpResponse<String> stored = send("POST", "/fhir/Patient", patient, "Authorization", token);
		assertThat(stored.statusCode()).as(stored.body()).isEqualTo(201);
		String id = "Patient/" + stored.headers().firstValue("Location").orElseThrow().replaceAll(".*/Patient/([^/]+).*", "$1");
		org.hl7.fhir.r4.model.Observation potassium = example("Observation-potassium-wang-xiuying", org.hl7.fhir.r4.model.Observation.class);
		potassium.setId((String) null);
		potassium.setSubject(new org.hl7.fhir.r4.model.Reference(id)).setPerformer(List.of(new org.hl7.fhir.r4.model.Reference(SECOND)));
		fhir.create().resource(potassium).execute();

		// Drain what earlier tests left, then count from here on.
		fhir.search().byUrl("AuditEvent?_count=1").returnBundle(Bundle.class).execute();
		// The next whole second: _lastUpdated has seconds, and what was drained just now must fall before it.
		java.time.Instant start = java.time.Instant.now().plusSeconds(1).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
		String since = java.time.format.DateTimeFormatter.ISO_INSTANT.format(start);
		Thread.sleep(java.time.Duration.between(java.time.Instant.now(), start).toMillis() + 50);

		Map<String, Integer> script = new LinkedHashMap<>();
		li.getIdentifier().get(1).setValue(unique("EY"));
		li.getIdentifier().get(0).setValue(newResidentId());
		expect(send("POST", "/fhir/Patient", json(li), "Authorization", token), 201);
		script.put("create", 1);
		expect(send("GET", "/fhir/" + id, null, "Authorization", token), 200);
		script.put("read", 1);
		expect(send("GET", "/fhir/" + id + "/_history", null, "Authorization", token), 200);
		script.put("history", 1);
		expect(send("GET", "/fhir/Observation?subject=" + id, null, "Authorization", token), 200);
		script.put("search of a result (its performer is no patient)", 1);
		expect(send("GET", "/fhir/Patient?identifier=" + SECOND_MRN + "%7C" + li.getIdentifier().get(1).getValue(), null, "Authorization", token), 200);
		script.put("search with a result", 1);
		expect(send("GET", "/fhir/Patient?name=" + nobody, null, "Authorization", token), 200);
		script.put("empty search", 1);
		// A count would count what the caller may not see: HAPI's consent service refuses it to member systems.
		expect(send("GET", "/fhir/Patient?name=" + nobody + "&_summary=count", null, "Authorization", token), 400);
		script.put("refused: a count", 1);
		expect(send("GET", "/fhir/" + id + "/$recognizable", null, "Authorization", token), 200);
		script.put("operation", 1);
		String batch = "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[{\"request\":{\"method\":\"GET\",\"url\":\"" + id + "\"}},"
				+ "{\"request\":{\"method\":\"GET\",\"url\":\"Patient?name=" + nobody + "\"}},"
				+ "{\"request\":{\"method\":\"GET\",\"url\":\"" + id + "/$recognizable\"}},"
				+ "{\"request\":{\"method\":\"GET\",\"url\":\"" + id + "/_history\"}}]}";
		expect(send("POST", "/fhir", batch, "Authorization", token), 200);
		script.put("batch: a read, an empty search, an operation, a history", 4);
		expect(send("GET", "/fhir/Patient/wang-xiuying", null, "Authorization", token), 404);
		script.put("refused: another hospital's patient", 1);
		expect(send("POST", "/fhir/AuditEvent", "{\"resourceType\":\"AuditEvent\"}", "Authorization", token), 403);
		script.put("refused: the access policy", 1);
		expect(send("POST", "/fhir/Patient", "{\"resourceType\":\"Patient\",\"nationalityCode\":\"CN\"}", "Authorization", token), 400);
		script.put("refused: the parser", 1);
		expect(send("GET", "/fhir/Patient%2F" + nobody, null, "Authorization", token), 400);
		script.put("refused before the server (as anonymous)", 1);

		int expected = script.values().stream().mapToInt(Integer::intValue).sum();
		List<AuditEvent> events = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			events = events("AuditEvent?_lastUpdated=ge" + since + "&_count=500").stream()
					.filter(e -> clients(e).contains("second-his") || e.getEntity().stream().anyMatch(x -> String.valueOf(x.getDescription()).contains(nobody)))
					.toList();
			if (events.size() >= expected) {
				break;
			}
			Thread.sleep(100);
		}
		List<String> summary = events.stream().map(e -> e.getOutcome().toCode() + " " + e.getSubtypeFirstRep().getCode() + " " + clients(e) + " "
				+ e.getEntity().stream().map(x -> x.getWhat().getReference() + "|" + x.getDescription()).toList()).toList();
		assertThat(events).as("events of the session " + script + ": " + summary).hasSize(expected);
		assertThat(events.stream().filter(e -> !clients(e).contains("anonymous")))
				.allSatisfy(e -> assertThat(e.getAgent()).anySatisfy(a -> assertThat(a.getWho().getReference()).isEqualTo(SECOND)));
		assertThat(clientFor("commission-auditor", "auditor-demo-secret").operation().onType(AuditEvent.class).named("$verify-audit-trail").withNoParameters(org.hl7.fhir.r4.model.Parameters.class)
				.useHttpGet().execute().getParameterBool("verified")).isTrue();
	}

	private static void expect(HttpResponse<String> response, int status) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
	}

	private static String json(org.hl7.fhir.r4.model.Resource resource) {
		return fhirContext().newJsonParser().encodeResourceToString(resource);
	}

	private List<AuditEvent> events(String search) {
		return fhir.search().byUrl(search).returnBundle(Bundle.class).execute().getEntry().stream()
				.map(e -> (AuditEvent) e.getResource()).toList();
	}

	private static List<String> clients(AuditEvent event) {
		return event.getAgent().stream().map(a -> a.getWho().getIdentifier().getValue()).toList();
	}
}
