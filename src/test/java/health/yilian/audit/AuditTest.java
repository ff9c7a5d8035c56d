package health.yilian.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import health.yilian.server.FhirServerTestSupport;
import java.util.List;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;

/** What auditors (alliance office, health commission) find: who wrote, read or was refused what, by ordinary search. */
class AuditTest extends FhirServerTestSupport {

	private static final String DEYANG = "Organization/deyang-peoples-hospital";

	@Test
	void aReportWrittenByTheLabAndReadByTheAuditorIsInTheAuditTrailWithClientAndOrganisation() throws Exception {
		IGenericClient lis = clientFor("deyang-lis", "deyang-lis-demo-secret");
		String report = lis.create().resource(labReport()).execute().getId().toUnqualifiedVersionless().getValue();
		IGenericClient auditor = clientFor("commission-auditor", "auditor-demo-secret");
		auditor.read().resource(DiagnosticReport.class).withUrl(report).execute();

		List<AuditEvent> trail = events("AuditEvent?entity=" + report);
		assertThat(trail).anySatisfy(e -> {
			assertThat(e.getAction()).isEqualTo(AuditEvent.AuditEventAction.C);
			assertThat(e.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._0);
			assertThat(clients(e)).contains("deyang-lis");
		});
		assertThat(trail).anySatisfy(e -> {
			assertThat(e.getAction()).isEqualTo(AuditEvent.AuditEventAction.R);
			assertThat(clients(e)).contains("commission-auditor");
		});
		assertThat(events("AuditEvent?agent=" + DEYANG + "&entity=" + report)).isNotEmpty();
	}

	@Test
	void oneReadIsOneAuditEventAndOneWriteIsOne() throws Exception {
		IGenericClient lis = clientFor("deyang-lis", "deyang-lis-demo-secret");
		String report = lis.create().resource(labReport()).execute().getId().toUnqualifiedVersionless().getValue();
		lis.read().resource(DiagnosticReport.class).withUrl(report).execute();

		assertThat(events("AuditEvent?entity=" + report + "&action=C")).hasSize(1);
		assertThat(events("AuditEvent?entity=" + report + "&action=R")).hasSize(1);
	}

	@Test
	void whoReceivedAPatientsReportsThroughRecognitionIsFoundUnderThePatient() throws Exception {
		IGenericClient community = clientFor("chengbei-his", "chengbei-his-demo-secret");
		String since = now();
		clock.setDay(java.time.LocalDate.of(2026, 11, 9)); // the day after the report, while its items are valid
		community.operation().onType(org.hl7.fhir.r4.model.Patient.class).named("$recognizable")
				.withParameter(org.hl7.fhir.r4.model.Parameters.class, "identifier",
						new org.hl7.fhir.r4.model.StringType(RESIDENT_ID + "|510603198506124528"))
				.useHttpGet().returnResourceType(Bundle.class).execute();

		// Recorded by the test clock, which stands still: this test's events are those stored since it began.
		assertThat(eventsSince(since, "AuditEvent?patient=Patient/wang-xiuying")).anySatisfy(e -> {
			assertThat(clients(e)).contains("chengbei-his");
			assertThat(e.getEntity()).extracting(x -> x.getWhat().getReference()).contains("DiagnosticReport/lab-report-wang-xiuying");
		});
	}

	@Test
	void aRefusalNamingAResourceThatDoesNotExistIsStoredToo() throws Exception {
		String missing = unique("no-such-patient-");
		String since = now();
		assertThatThrownBy(() -> clientFor("deyang-his", "deyang-his-demo-secret").read().resource(org.hl7.fhir.r4.model.Patient.class)
				.withId(missing).execute()).isInstanceOf(BaseServerResponseException.class);

		assertThat(eventsSince(since, "AuditEvent?outcome=4")).anySatisfy(e -> {
			assertThat(clients(e)).contains("deyang-his");
			assertThat(e.getEntityFirstRep().getWhat().getIdentifier().getValue()).isEqualTo("Patient/" + missing);
		});
	}

	@Test
	void aResultItsReportStillNamesCannotBeDeletedThoughAuditEventsNameItToo() throws Exception {
		IGenericClient lis = clientFor("deyang-lis", "deyang-lis-demo-secret");
		String result = lis.create().resource(example("Observation-potassium-wang-xiuying", org.hl7.fhir.r4.model.Observation.class))
				.execute().getId().toUnqualifiedVersionless().getValue();
		for (int i = 0; i < 3; i++) {
			lis.read().resource(org.hl7.fhir.r4.model.Observation.class).withUrl(result).execute();
		}
		assertThat(events("AuditEvent?entity=" + result)).isNotEmpty(); // the audit events, older than the report's link
		DiagnosticReport report = labReport();
		report.setResult(List.of(new Reference(result)));
		lis.create().resource(report).execute();

		assertThatThrownBy(() -> lis.delete().resourceById(new org.hl7.fhir.r4.model.IdType(result)).execute())
				.isInstanceOf(ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException.class);
		assertThat(lis.read().resource(org.hl7.fhir.r4.model.Observation.class).withUrl(result).execute()).isNotNull();
	}

	@Test
	void aResultAboutAContainedPatientIsStoredAndAudited() throws Exception {
		org.hl7.fhir.r4.model.Observation result = example("Observation-potassium-wang-xiuying", org.hl7.fhir.r4.model.Observation.class);
		org.hl7.fhir.r4.model.Patient newborn = example("Patient-wang-xiuying", org.hl7.fhir.r4.model.Patient.class);
		newborn.setId("newborn");
		newborn.getIdentifier().clear();
		newborn.addIdentifier().setSystem("https://yilian.health/fhir/sid/mrn/12510600452070001B").setValue(unique("DY-NB-"));
		newborn.getNameFirstRep().setText("王秀英之子").setFamily("王").setGiven(List.of());
		result.addContained(newborn);
		result.setSubject(new Reference("#newborn"));

		java.net.http.HttpResponse<String> response = send("POST", "/fhir/Observation", fhirContext().newJsonParser().encodeResourceToString(result),
				"Authorization", "Bearer " + token("deyang-lis", "deyang-lis-demo-secret"));

		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
		assertThat(events("AuditEvent?entity=" + new org.hl7.fhir.r4.model.IdType(response.headers().firstValue("Location").orElseThrow())
				.toUnqualifiedVersionless().getValue())).isNotEmpty();
	}

	@Test
	void aSearchThatFindsNothingIsAuditedToo() throws Exception {
		String probe = unique("无此人");
		String since = now();
		clientFor("deyang-his", "deyang-his-demo-secret").search().byUrl("Patient?name=" + probe).returnBundle(Bundle.class).execute();

		assertThat(eventsSince(since, "AuditEvent?outcome=0")).anySatisfy(e -> {
			assertThat(clients(e)).contains("deyang-his");
			assertThat(e.getEntityFirstRep().getDescription()).contains(java.net.URLEncoder.encode(probe, java.nio.charset.StandardCharsets.UTF_8).substring(0, 6));
		});
	}

	@Test
	void aRefusedTransactionLeavesNoTraceButItsAuditRecord() throws Exception {
		IGenericClient lis = clientFor("deyang-lis", "deyang-lis-demo-secret");
		DiagnosticReport report = labReport();
		String identifier = report.getIdentifierFirstRep().getValue();
		ServiceRequest notItsScope = example("ServiceRequest-referral-up-wang-xiuying", ServiceRequest.class);
		Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		transaction.addEntry().setResource(report).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("DiagnosticReport");
		transaction.addEntry().setResource(notItsScope).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("ServiceRequest");

		String since = now();
		assertThatThrownBy(() -> lis.transaction().withBundle(transaction).execute()).isInstanceOf(ForbiddenOperationException.class);

		assertThat(fhir.search().byUrl("DiagnosticReport?identifier=" + identifier).returnBundle(Bundle.class).execute().getEntry()).isEmpty();
		// Recorded times follow the test clock, which stands still: the events of this test are those stored since it began.
		assertThat(eventsSince(since, "AuditEvent?outcome=4")).anySatisfy(e -> {
			assertThat(clients(e)).contains("deyang-lis");
			assertThat(e.getOutcomeDesc()).contains("403").contains("yl-scope");
		});
	}

	@Test
	void aRefusedUpdateOfOneReportIsFoundUnderThatReport() throws Exception {
		IGenericClient lis = clientFor("deyang-lis", "deyang-lis-demo-secret");
		DiagnosticReport report = labReport();
		String id = lis.create().resource(report).execute().getId().toUnqualifiedVersionless().getValue();
		report.setId(id);
		report.setStatus(null);

		assertThatThrownBy(() -> lis.update().resource(report).execute()).isInstanceOf(BaseServerResponseException.class);

		assertThat(events("AuditEvent?entity=" + id + "&outcome=4")).hasSize(1);
	}

	@Test
	void aCallWithoutATokenIsAuditedToo() throws Exception {
		String probe = unique("probe");
		String since = now();
		java.net.http.HttpResponse<String> refused = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
				java.net.URI.create("http://localhost:" + port + "/fhir/Patient?name=" + probe)).GET().build(),
				java.net.http.HttpResponse.BodyHandlers.ofString());
		assertThat(refused.statusCode()).isEqualTo(401);

		assertThat(eventsSince(since, "AuditEvent?outcome=4", e -> e.getOutcomeDesc().startsWith("HTTP 401"))).anySatisfy(e -> {
			assertThat(e.getOutcomeDesc()).startsWith("HTTP 401");
			assertThat(e.getEntityFirstRep().getDescription()).contains(probe);
			assertThat(clients(e)).containsExactly("anonymous");
		});
	}

	/**
	 * The auditors' questions, each one ordinary search: everything about one report, who read a patient on a day,
	 * everything disclosed to an organisation in a period, every refusal today, every $recognizable disclosure about
	 * a person.
	 */
	@Test
	void auditorsAnswerTheirQuestionsByOrdinarySearch() throws Exception {
		String since = now();
		// The day the demo report was still recognisable; events are recorded by the server's clock.
		clock.setDay(java.time.LocalDate.of(2026, 11, 12));
		String day = "date=ge2026-11-12T00:00:00%2B08:00&date=lt2026-11-13T00:00:00%2B08:00&_lastUpdated=ge" + since + "&_count=200";
		String report = "DiagnosticReport/lab-report-wang-xiuying";
		clientFor("deyang-his", "deyang-his-demo-secret").read().resource(DiagnosticReport.class).withUrl(report).execute();
		IGenericClient community = clientFor("chengbei-his", "chengbei-his-demo-secret");
		community.operation().onType(org.hl7.fhir.r4.model.Patient.class).named("$recognizable")
				.withParameter(org.hl7.fhir.r4.model.Parameters.class, "identifier",
						new org.hl7.fhir.r4.model.StringType(RESIDENT_ID + "|510603198506124528"))
				.useHttpGet().returnResourceType(Bundle.class).execute();
		assertThatThrownBy(() -> community.read().resource(org.hl7.fhir.r4.model.Patient.class).withId("wang-xiuying").execute())
				.isInstanceOf(BaseServerResponseException.class);
		IGenericClient auditor = clientFor("commission-auditor", "auditor-demo-secret");

		assertThat(events(auditor, "AuditEvent?entity=" + report + "&" + day)).as("everything about one report")
				.anySatisfy(e -> assertThat(clients(e)).contains("deyang-his"));
		assertThat(events(auditor, "AuditEvent?patient=Patient/wang-xiuying&" + day)).as("who read the patient that day")
				.anySatisfy(e -> assertThat(clients(e)).contains("deyang-his"))
				.anySatisfy(e -> assertThat(clients(e)).contains("chengbei-his"));
		assertThat(events(auditor, "AuditEvent?agent=Organization/chengbei-community-health-centre&" + day))
				.as("everything disclosed to the community centre in the period")
				.anySatisfy(e -> assertThat(e.getEntity()).anySatisfy(x -> assertThat(x.getWhat().getReference()).isEqualTo(report)));
		assertThat(events(auditor, "AuditEvent?outcome=4&" + day)).as("every refusal today")
				.anySatisfy(e -> assertThat(clients(e)).contains("chengbei-his"));
		assertThat(events(auditor, "AuditEvent?subtype=https://yilian.health/fhir/operation%7C%24recognizable&patient=Patient/wang-xiuying&" + day))
				.as("every $recognizable disclosure about the person")
				.isNotEmpty().allSatisfy(e -> assertThat(clients(e)).contains("chengbei-his"));
	}

	private static List<AuditEvent> events(IGenericClient client, String search) {
		return client.search().byUrl(search).returnBundle(Bundle.class).execute().getEntry().stream()
				.map(e -> (AuditEvent) e.getResource()).toList();
	}

	/** "Who was shown this report?" finds searches too: each resource a search answered is named, with the count. */
	@Test
	void aSearchNamesEveryResourceItShowedSoTheReportsTrailFindsIt() throws Exception {
		String since = now();
		Bundle found = clientFor("deyang-his", "deyang-his-demo-secret").search()
				.byUrl("DiagnosticReport?subject=Patient/wang-xiuying&_include=DiagnosticReport:result").returnBundle(Bundle.class).execute();
		assertThat(found.getEntry()).isNotEmpty();

		for (Bundle.BundleEntryComponent entry : found.getEntry()) {
			String shown = entry.getResource().getIdElement().toUnqualifiedVersionless().getValue();
			assertThat(eventsSince(since, "AuditEvent?entity=" + shown)).as(shown).anySatisfy(e -> {
				assertThat(clients(e)).contains("deyang-his");
				assertThat(e.getEntity()).anySatisfy(query -> assertThat(query.getDetail()).anySatisfy(d -> {
					assertThat(d.getType()).isEqualTo("shown");
					assertThat(Integer.parseInt(d.getValue().primitiveValue())).isEqualTo(found.getEntry().size());
				}));
			});
		}
	}

	@Test
	void aRequestRefusedBeforeTheServerIsAuditedToo() throws Exception {
		String probe = unique("slash");
		String since = now();
		java.net.http.HttpResponse<String> refused = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
				java.net.URI.create("http://localhost:" + port + "/fhir/Patient%2F" + probe)).GET().build(),
				java.net.http.HttpResponse.BodyHandlers.ofString());
		assertThat(refused.statusCode()).isEqualTo(400);
		assertThat(refused.body()).contains("OperationOutcome");

		assertThat(eventsSince(since, "AuditEvent?outcome=4", e -> e.getEntityFirstRep().getDescription().contains(probe))).anySatisfy(e -> {
			assertThat(e.getOutcomeDesc()).startsWith("HTTP 400");
			assertThat(e.getEntityFirstRep().getDescription()).contains(probe);
			assertThat(clients(e)).containsExactly("anonymous");
		});
	}

	/**
	 * The trail is evidence: each event a link of a hash chain an auditor verifies. An event altered behind the API (in
	 * the database), or taken out of the chain, is named as the first break; restored, the trail verifies again. Each
	 * event names the node that answered.
	 */
	@Test
	void theTrailIsAHashChainAndVerificationNamesTheFirstEventRemovedOrAltered() throws Exception {
		IGenericClient auditor = clientFor("commission-auditor", "auditor-demo-secret");
		clientFor("deyang-his", "deyang-his-demo-secret").read().resource(org.hl7.fhir.r4.model.Patient.class).withId("wang-xiuying").execute();
		assertThat(verify(auditor).getParameterBool("verified")).isTrue();

		org.springframework.jdbc.core.JdbcTemplate jdbc = new org.springframework.jdbc.core.JdbcTemplate(dataSource);
		java.util.Map<String, Object> last = jdbc.queryForMap("SELECT seq, event_id, hash FROM yl_audit_chain ORDER BY seq DESC FETCH FIRST 1 ROWS ONLY");
		long seq = ((Number) last.get("seq")).longValue();
		String event = (String) last.get("event_id");
		AuditEvent stored = fhir.read().resource(AuditEvent.class).withUrl(event).execute();
		assertThat(stored.getSource().getSite()).as("the node that answered").isNotBlank();

		String resourceRow = "(SELECT RES_ID FROM HFJ_RESOURCE WHERE RES_TYPE = 'AuditEvent' AND FHIR_ID = ?)";
		String text = jdbc.queryForObject("SELECT RES_TEXT_VC FROM HFJ_RES_VER WHERE RES_ID = " + resourceRow, String.class, new org.hl7.fhir.r4.model.IdType(event).getIdPart());
		assertThat(text).as("the event's text as stored").isNotNull().contains("\"outcome\"");
		try {
			jdbc.update("UPDATE HFJ_RES_VER SET RES_TEXT_VC = ? WHERE RES_ID = " + resourceRow,
					text.replaceFirst("\"outcome\":\"[0-9]+\"", "\"outcome\":\"8\""), new org.hl7.fhir.r4.model.IdType(event).getIdPart());
			org.hl7.fhir.r4.model.Parameters altered = verify(auditor);
			assertThat(altered.getParameterBool("verified")).isFalse();
			assertThat(breakPart(altered, "kind")).isEqualTo("altered");
			assertThat(breakPart(altered, "sequence")).isEqualTo(Long.toString(seq));
		} finally {
			jdbc.update("UPDATE HFJ_RES_VER SET RES_TEXT_VC = ? WHERE RES_ID = " + resourceRow, text, new org.hl7.fhir.r4.model.IdType(event).getIdPart());
		}
		java.util.Map<String, Object> previous = jdbc.queryForMap("SELECT event_id, hash FROM yl_audit_chain WHERE seq = ?", seq - 1);
		try {
			jdbc.update("DELETE FROM yl_audit_chain WHERE seq = ?", seq - 1);
			org.hl7.fhir.r4.model.Parameters removed = verify(auditor);
			assertThat(removed.getParameterBool("verified")).isFalse();
			assertThat(breakPart(removed, "kind")).isEqualTo("removed");
			assertThat(breakPart(removed, "sequence")).isEqualTo(Long.toString(seq - 1));
		} finally {
			jdbc.update("INSERT INTO yl_audit_chain (seq, event_id, linked, hash) SELECT ?, ?, linked, ? FROM yl_audit_chain WHERE seq = ?",
					seq - 1, previous.get("event_id"), previous.get("hash"), seq);
		}
		assertThat(verify(auditor).getParameterBool("verified")).isTrue();
		assertThatThrownBy(() -> verify(clientFor("deyang-his", "deyang-his-demo-secret"))).isInstanceOf(ForbiddenOperationException.class);
	}

	/**
	 * Retention: events older than {@code yilian.audit.retention} (P15Y) are removed for good, their history too; the
	 * trail kept still verifies from the checkpoint the removal leaves; and the removal is itself an event, naming the
	 * links it removed and the checkpoint.
	 */
	@Test
	void eventsPastTheirRetentionAreRemovedForGoodAndTheTrailKeptStillVerifies() throws Exception {
		IGenericClient auditor = clientFor("commission-auditor", "auditor-demo-secret");
		String since = now();
		clientFor("deyang-his", "deyang-his-demo-secret").read().resource(org.hl7.fhir.r4.model.Patient.class).withId("wang-xiuying").execute();
		assertThat(verify(auditor).getParameterBool("verified")).isTrue(); // stores what is committed
		String read = new org.springframework.jdbc.core.JdbcTemplate(dataSource)
				.queryForObject("SELECT event_id FROM yl_audit_chain ORDER BY seq DESC FETCH FIRST 1 ROWS ONLY", String.class);
		// The auditor reads that event: its own event names it, and goes on naming it once it is removed.
		auditor.read().resource(AuditEvent.class).withUrl(read).execute();
		assertThat(verify(auditor).getParameterBool("verified")).isTrue();

		// Sixteen years on, every event linked so far is past its fifteen.
		clock.set(clock.instant().atZone(health.yilian.server.ClockConfig.CHINA).plusYears(16).toInstant());
		int removed;
		try {
			removed = retention.removeExpired();
		} finally {
			clock.reset();
		}

		assertThat(removed).isPositive();
		assertThatThrownBy(() -> auditor.read().resource(AuditEvent.class).withUrl(read).execute())
				.isInstanceOf(ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException.class);
		assertThatThrownBy(() -> auditor.history().onInstance(read).returnBundle(Bundle.class).execute())
				.isInstanceOf(ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException.class);
		org.hl7.fhir.r4.model.Parameters kept = verify(auditor);
		assertThat(kept.getParameterBool("verified")).as(fhirContext().newJsonParser().encodeResourceToString(kept)).isTrue();
		assertThat(kept.getParameter("checkpoint")).as("where the kept chain begins").isNotNull();
		// One event per batch of removals; the last names the checkpoint.
		List<AuditEvent> removals = eventsSince(since, "AuditEvent?type=http://dicom.nema.org/resources/ontology/DCM%7C110101");
		assertThat(removals).isNotEmpty().allSatisfy(e -> {
			assertThat(e.getAction()).isEqualTo(AuditEvent.AuditEventAction.D);
			assertThat(clients(e)).containsExactly(AuditRetention.SERVER);
		});
		assertThat(removals).anySatisfy(e -> assertThat(e.getEntityFirstRep().getDescription())
				.contains("checkpoint " + kept.getParameter("checkpoint").getValue().primitiveValue() + ","));
	}

	@org.springframework.beans.factory.annotation.Autowired
	AuditRetention retention;

	@org.springframework.beans.factory.annotation.Autowired
	javax.sql.DataSource dataSource;

	private static org.hl7.fhir.r4.model.Parameters verify(IGenericClient client) {
		return client.operation().onType(AuditEvent.class).named("$verify-audit-trail").withNoParameters(org.hl7.fhir.r4.model.Parameters.class)
				.useHttpGet().execute();
	}

	private static String breakPart(org.hl7.fhir.r4.model.Parameters result, String name) {
		return result.getParameter("break").getPart().stream().filter(p -> p.getName().equals(name)).findFirst().orElseThrow()
				.getValue().primitiveValue();
	}

	private DiagnosticReport labReport() {
		DiagnosticReport report = example("DiagnosticReport-lab-report-wang-xiuying", DiagnosticReport.class);
		report.getIdentifierFirstRep().setValue(unique("DY-LIS-"));
		report.setPerformer(List.of(new Reference("Organization/deyang-peoples-hospital-lab")));
		return report;
	}

	/**
	 * Now, to the second, as {@code _lastUpdated} takes it: a test's events are those stored since it began, since
	 * their recorded times follow the test clock, which stands still.
	 */
	private static String now() {
		return java.time.format.DateTimeFormatter.ISO_INSTANT.format(java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
	}

	private List<AuditEvent> eventsSince(String since, String search) throws InterruptedException {
		return eventsSince(since, search, e -> true);
	}

	/** The events stored since {@code since} that {@code search} finds, waited for until one satisfies {@code awaited}. */
	private List<AuditEvent> eventsSince(String since, String search, java.util.function.Predicate<AuditEvent> awaited) throws InterruptedException {
		String url = search + (search.contains("?") ? "&" : "?") + "_lastUpdated=ge" + since + "&_count=200";
		List<AuditEvent> found = events(url);
		// Refused before HAPI, an event is appended as the response goes: it may come a moment later.
		for (int i = 0; i < 50 && found.stream().noneMatch(awaited); i++) {
			Thread.sleep(100);
			found = events(url);
		}
		return found;
	}

	private List<AuditEvent> events(String search) {
		return fhir.search().byUrl(search).returnBundle(Bundle.class).execute().getEntry().stream()
				.map(e -> (AuditEvent) e.getResource()).toList();
	}

	private static List<String> clients(AuditEvent event) {
		return event.getAgent().stream().map(a -> a.getWho().getIdentifier().getValue()).toList();
	}

}
