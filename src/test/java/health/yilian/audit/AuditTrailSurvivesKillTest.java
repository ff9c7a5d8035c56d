package health.yilian.audit;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import health.yilian.server.FhirServerTestSupport;
import health.yilian.server.ServerProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger across a crash: a scripted session of several member systems (writes, reads, empty searches, an
 * operation, batch entries, refusals by the policy and the parser, a call without a token) on one node, which is then
 * killed ({@code kill -9}: no shutdown hook, no drain) right after its last answer; then more of the session on a new
 * node on the same database, two systems at once. Every interaction answered is audited exactly once, with its
 * client and that client's organisation (none mixed up between the concurrent systems); the chain verifies across
 * the crash; and a link deleted in the database is named by the verification.
 *
 * <p>The server runs as a {@link ServerProcess}, since only a process can be killed.
 */
class AuditTrailSurvivesKillTest {

	private static final FhirContext FHIR = FhirContext.forR4Cached();
	private static final HttpClient HTTP = HttpClient.newHttpClient();
	private static final String DATABASE = "yilian_audit_kill_test";
	private static final Map<String, String> SECRETS = Map.of("second-his", "second-his-demo-secret", "deyang-lis", "deyang-lis-demo-secret",
			"chengbei-his", "chengbei-his-demo-secret", "commission-auditor", "auditor-demo-secret");
	private static final Map<String, String> ORGANISATIONS = Map.of("second-his", "Organization/deyang-second-peoples-hospital",
			"deyang-lis", "Organization/deyang-peoples-hospital", "chengbei-his", "Organization/chengbei-community-health-centre");

	@Test
	void everyInteractionAnsweredBeforeAKillNineIsAuditedOnceAndTheChainVerifiesAcrossIt(@TempDir Path data) throws Exception {
		String database = ServerProcess.ownDatabase(data, DATABASE);
		Map<String, Integer> expected = new HashMap<>();
		String nobody = "无此人" + Long.toString(System.nanoTime(), 36);
		String probe = "probe" + Long.toString(System.nanoTime(), 36);
		String patient;

		ServerProcess first = ServerProcess.start(data, database, "node-a");
		try {
			IGenericClient second = first.client(first.token("second-his", SECRETS.get("second-his")));
			Patient li = FhirServerTestSupport.example("Patient-wang-xiuying", Patient.class);
			li.getName().get(0).setText("李建国").setFamily("李").getGiven().get(0).setValue("建国");
			li.getIdentifier().clear();
			li.addIdentifier(new Identifier().setSystem(FhirServerTestSupport.RESIDENT_ID).setValue(FhirServerTestSupport.newResidentId()));
			li.addIdentifier(new Identifier().setSystem(FhirServerTestSupport.SID + "mrn/12510600452070002C").setValue("EY" + System.nanoTime()));
			patient = second.create().resource(li).execute().getId().toUnqualifiedVersionless().getValue();
			second.read().resource(Patient.class).withUrl(patient).execute();
			second.search().byUrl("Patient?name=" + nobody).returnBundle(Bundle.class).execute();
			expected.merge("second-his", 3, Integer::sum);

			IGenericClient lis = first.client(first.token("deyang-lis", SECRETS.get("deyang-lis")));
			DiagnosticReport report = FhirServerTestSupport.example("DiagnosticReport-lab-report-wang-xiuying", DiagnosticReport.class);
			report.getIdentifierFirstRep().setValue("DY-LIS-" + System.nanoTime());
			report.setPerformer(List.of(new Reference("Organization/deyang-peoples-hospital-lab")));
			String stored = lis.create().resource(report).execute().getId().toUnqualifiedVersionless().getValue();
			lis.read().resource(DiagnosticReport.class).withUrl(stored).execute();
			expected.merge("deyang-lis", 2, Integer::sum);

			IGenericClient community = first.client(first.token("chengbei-his", SECRETS.get("chengbei-his")));
			community.operation().onType(Patient.class).named("$recognizable")
					.withParameter(Parameters.class, "identifier", new StringType(FhirServerTestSupport.RESIDENT_ID + "|510603198506124528"))
					.useHttpGet().returnResourceType(Bundle.class).execute();
			assertThat(status(() -> community.read().resource(Patient.class).withId("wang-xiuying").execute())).as("another hospital's patient").isEqualTo(404);
			Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
			batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl("Patient?name=" + nobody);
			batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl("DiagnosticReport?identifier=" + nobody);
			community.transaction().withBundle(batch).execute();
			expected.merge("chengbei-his", 4, Integer::sum);

			HttpResponse<String> anonymous = HTTP.send(HttpRequest.newBuilder(URI.create(first.base() + "/fhir/Patient?name=" + probe)).GET().build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(anonymous.statusCode()).isEqualTo(401);
			expected.merge("anonymous", 1, Integer::sum);
		} finally {
			first.kill();
		}

		ServerProcess next = ServerProcess.start(data, database, "node-b");
		try {
			IGenericClient second = next.client(next.token("second-his", SECRETS.get("second-his")));
			IGenericClient community = next.client(next.token("chengbei-his", SECRETS.get("chengbei-his")));
			String searched = patient;
			CompletableFuture<Void> reads = CompletableFuture.runAsync(() -> {
				for (int i = 0; i < 10; i++) {
					second.read().resource(Patient.class).withUrl(searched).execute();
				}
			});
			CompletableFuture<Void> searches = CompletableFuture.runAsync(() -> {
				for (int i = 0; i < 10; i++) {
					community.search().byUrl("Patient?name=" + nobody).returnBundle(Bundle.class).execute();
				}
			});
			CompletableFuture.allOf(reads, searches).join();
			expected.merge("second-his", 10, Integer::sum);
			expected.merge("chengbei-his", 10, Integer::sum);
			HttpResponse<String> unparsable = HTTP.send(HttpRequest.newBuilder(URI.create(next.base() + "/fhir/Patient"))
					.header("Authorization", "Bearer " + next.token("deyang-lis", SECRETS.get("deyang-lis"))).header("Content-Type", "application/fhir+json")
					.POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Patient\",\"nationalityCode\":\"CN\"}")).build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(unparsable.statusCode()).isEqualTo(400);
			expected.merge("deyang-lis", 1, Integer::sum);

			IGenericClient auditor = next.client(next.token("commission-auditor", SECRETS.get("commission-auditor")));
			List<AuditEvent> events = auditor.search().byUrl("AuditEvent?_count=500").returnBundle(Bundle.class).execute().getEntry().stream()
					.map(e -> (AuditEvent) e.getResource())
					.filter(e -> !client(e).equals("commission-auditor"))
					.filter(e -> !client(e).equals("anonymous") || e.getEntityFirstRep().getDescription().contains(probe))
					.toList();
			Map<String, Integer> counted = new HashMap<>();
			events.forEach(e -> counted.merge(client(e), 1, Integer::sum));
			assertThat(counted).as("events per client, of the session " + expected).isEqualTo(expected);
			assertThat(events).filteredOn(e -> !client(e).equals("anonymous")).allSatisfy(e -> assertThat(e.getAgent())
					.as("the client's own organisation").anySatisfy(a -> assertThat(a.getWho().getReference()).isEqualTo(ORGANISATIONS.get(client(e)))));
			assertThat(events).filteredOn(e -> client(e).equals("chengbei-his"))
					.as("nothing of the other system's concurrent reads in the community centre's events")
					.allSatisfy(e -> assertThat(e.getEntity()).noneSatisfy(x -> assertThat(x.getWhat().getReference()).isEqualTo(searched)));
			assertThat(events).filteredOn(e -> client(e).equals("second-his") && e.getAction() == AuditEvent.AuditEventAction.R
					&& e.getEntity().stream().anyMatch(x -> searched.equals(x.getWhat().getReference()))).as("the reads of its patient").hasSize(11);
			assertThat(events).extracting(e -> e.getSource().getSite()).contains("node-a", "node-b");

			Parameters verified = verify(auditor);
			assertThat(verified.getParameterBool("verified")).as(FHIR.newJsonParser().encodeResourceToString(verified)).isTrue();
			long last = Long.parseLong(verified.getParameter("last").getValue().primitiveValue());
			long removed = last / 2;
			try (Connection connection = DriverManager.getConnection(database, ServerProcess.user(), ServerProcess.password())) {
				connection.createStatement().execute("DELETE FROM yl_audit_chain WHERE seq = " + removed);
			}
			Parameters broken = verify(auditor);
			assertThat(broken.getParameterBool("verified")).isFalse();
			assertThat(broken.getParameter("break").getPart()).anySatisfy(p -> {
				assertThat(p.getName()).isEqualTo("sequence");
				assertThat(p.getValue().primitiveValue()).isEqualTo(Long.toString(removed));
			});
		} finally {
			next.kill();
		}
	}

	private static Parameters verify(IGenericClient auditor) {
		return auditor.operation().onType(AuditEvent.class).named("$verify-audit-trail").withNoParameters(Parameters.class).useHttpGet().execute();
	}

	private static String client(AuditEvent event) {
		return event.getAgentFirstRep().getWho().getIdentifier().getValue();
	}

	private static int status(Runnable call) {
		try {
			call.run();
			return 200;
		} catch (ResourceNotFoundException e) {
			return 404;
		}
	}

}
