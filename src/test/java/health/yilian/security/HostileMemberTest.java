package health.yilian.security;

import static org.assertj.core.api.Assertions.assertThat;

import health.yilian.server.FhirServerTestSupport;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The demo alliance attacked by its own members, over HTTP with real tokens: 德阳市第二人民医院's HIS (second-his), which
 * has no referral with 王秀英, tries every path to her records at 德阳市人民医院 (deyang); members try to change what is
 * another's; an auditor tries maintenance. Every refusal is asserted on the status and on the body: nothing hidden
 * appears anywhere in what comes back.
 */
class HostileMemberTest extends FhirServerTestSupport {

	/** What would show that 王秀英's records at deyang leaked: deyang's record number, her name, phone and address. */
	private static final List<String> WANG_XIUYING = List.of("DY2024000381", "王秀英", "13808101234", "长江东路18号");
	private static final String WANG = "Patient/wang-xiuying";
	private static final String LAB_REPORT = "DiagnosticReport/lab-report-wang-xiuying";
	private static final String SECOND = "Organization/deyang-second-peoples-hospital";
	private static final String SECOND_MRN = SID + "mrn/12510600452070002C";
	private static final String DEYANG_MRN = SID + "mrn/12510600452070001B";

	private final Map<String, String> secrets = Map.of("deyang-lis", "deyang-lis-demo-secret", "deyang-his", "deyang-his-demo-secret",
			"second-his", "second-his-demo-secret", "chengbei-his", "chengbei-his-demo-secret", "commission-auditor", "auditor-demo-secret",
			"sichuan-lab-qc-centre", "lab-qc-centre-demo-secret", OPERATOR, OPERATOR_SECRET);

	private String secondReport;

	@BeforeEach
	void secondHospitalHasAReportOfItsOwn() {
		Patient patient = example("Patient-wang-xiuying", Patient.class);
		patient.getName().get(0).setText("李建国").setFamily("李").setGiven(List.of(new org.hl7.fhir.r4.model.StringType("建国")));
		patient.getIdentifier().clear();
		patient.addIdentifier(new Identifier().setSystem(RESIDENT_ID).setValue(newResidentId()));
		patient.addIdentifier(new Identifier().setSystem(SECOND_MRN).setValue(unique("EY")));
		String li = fhir.create().resource(patient).execute().getId().toUnqualifiedVersionless().getValue();
		org.hl7.fhir.r4.model.Observation potassium = example("Observation-potassium-wang-xiuying", org.hl7.fhir.r4.model.Observation.class);
		potassium.setPerformer(List.of(new Reference(SECOND)));
		potassium.setSubject(new Reference(li));
		String result = fhir.create().resource(potassium).execute().getId().toUnqualifiedVersionless().getValue();
		DiagnosticReport report = example("DiagnosticReport-lab-report-wang-xiuying", DiagnosticReport.class);
		report.getIdentifierFirstRep().setValue(unique("EY-LIS-"));
		report.setPerformer(List.of(new Reference(SECOND)));
		report.setSubject(new Reference(li));
		report.setResult(List.of(new Reference(result)));
		secondReport = fhir.create().resource(report).execute().getId().toUnqualifiedVersionless().getValue();
	}

	@Test
	void aBatchOfReadsAnswersEachEntryAsTheSameReadAloneWould() throws Exception {
		Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
		for (String url : List.of(LAB_REPORT, WANG, "AuditEvent?_count=1", "Consent?patient=" + WANG, LAB_REPORT + "/_history",
				"Observation?subject=" + WANG, "Patient?identifier=" + RESIDENT_ID + "|510603198506124528", WANG + "/$everything")) {
			batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl(url);
		}
		HttpResponse<String> response = as("second-his", "POST", "/fhir", json(batch));

		assertThat(response.statusCode()).isEqualTo(200);
		assertNothingOfWang(response);
		Bundle answer = fhirContext().newJsonParser().parseResource(Bundle.class, response.body());
		assertThat(answer.getEntry().get(0).getResponse().getStatus()).startsWith("404");
		assertThat(answer.getEntry().get(1).getResponse().getStatus()).startsWith("404");
		assertThat(answer.getEntry().get(2).getResponse().getStatus()).startsWith("403");
	}

	@Test
	void aBatchEntryIsAuditedAsTheCallersRead() throws Exception {
		Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
		batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl(secondReport);
		java.time.Instant sent = java.time.Instant.now();
		assertThat(as("second-his", "POST", "/fhir", json(batch)).statusCode()).isEqualTo(200);

		HttpResponse<String> trail = as("commission-auditor", "GET", "/fhir/AuditEvent?entity=" + secondReport + "&_lastUpdated=ge"
				+ java.time.format.DateTimeFormatter.ISO_INSTANT.format(sent.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
		assertThat(trail.body()).contains("second-his").doesNotContain("\"anonymous\"");
	}

	@ParameterizedTest
	@ValueSource(strings = {"PUT", "PATCH", "conditional PUT", "DELETE", "conditional DELETE"})
	void aLabCannotTakeOverOrDeleteAnotherHospitalsReport(String how) throws Exception {
		DiagnosticReport stolen = fhir.read().resource(DiagnosticReport.class).withId(secondReport).execute();
		stolen.setPerformer(List.of(new Reference("Organization/deyang-peoples-hospital-lab")));
		String identifier = URLEncoder.encode(stolen.getIdentifierFirstRep().getSystem() + "|" + stolen.getIdentifierFirstRep().getValue(), StandardCharsets.UTF_8);
		HttpResponse<String> response = switch (how) {
			case "PUT" -> as("deyang-lis", "PUT", "/fhir/" + secondReport, json(stolen));
			case "PATCH" -> as("deyang-lis", "PATCH", "/fhir/" + secondReport,
					"[{\"op\":\"replace\",\"path\":\"/performer/0/reference\",\"value\":\"Organization/deyang-peoples-hospital-lab\"}]",
					"Content-Type", "application/json-patch+json");
			case "conditional PUT" -> as("deyang-lis", "PUT", "/fhir/DiagnosticReport?identifier=" + identifier, json(stolen.setId((String) null)));
			case "DELETE" -> as("deyang-lis", "DELETE", "/fhir/" + secondReport);
			default -> as("deyang-lis", "DELETE", "/fhir/DiagnosticReport?identifier=" + identifier);
		};

		// A conditional PUT matches only what the lab may see, none: it would file a report of its own, but this one refers
		// to the other hospital's patient, which the lab may not (403 yl-reference), as it would had that report not existed.
		assertThat(response.statusCode()).as(response.body()).isIn(403, 404);
		assertThat(response.body()).doesNotContain(new IdType(secondReport).getIdPart() + "\"").doesNotContain("李建国");
		DiagnosticReport stored = fhir.read().resource(DiagnosticReport.class).withId(secondReport).execute();
		assertThat(stored.getPerformerFirstRep().getReference()).isEqualTo(SECOND);
	}

	@Test
	void aHospitalCannotRewriteOrDeleteAnotherHospitalsPatient() throws Exception {
		String resident = newResidentId();
		String deyangs = fhir.create().resource(patient("孙桂兰", resident, DEYANG_MRN)).execute().getId().toUnqualifiedVersionless().getValue();
		Patient rewritten = fhir.read().resource(Patient.class).withId(deyangs).execute();
		String deyangNumber = rewritten.getIdentifier().get(1).getValue();
		rewritten.getIdentifier().removeIf(i -> DEYANG_MRN.equals(i.getSystem()));
		rewritten.addIdentifier(new Identifier().setSystem(SID + "mrn/12510603MB1500003D").setValue(unique("CB")));
		String byResidentId = URLEncoder.encode(RESIDENT_ID + "|" + resident, StandardCharsets.UTF_8);

		assertThat(as("chengbei-his", "PUT", "/fhir/" + deyangs, json(rewritten)).statusCode()).isEqualTo(403);
		assertThat(as("chengbei-his", "DELETE", "/fhir/" + deyangs).statusCode()).isEqualTo(403);
		assertThat(as("chengbei-his", "PATCH", "/fhir/" + deyangs, "[{\"op\":\"remove\",\"path\":\"/telecom\"}]",
				"Content-Type", "application/json-patch+json").statusCode())
				.isEqualTo(as("chengbei-his", "PATCH", "/fhir/Patient/no-such-patient", "[{\"op\":\"remove\",\"path\":\"/telecom\"}]",
						"Content-Type", "application/json-patch+json").statusCode());
		assertThat(as("chengbei-his", "DELETE", "/fhir/Patient?identifier=" + byResidentId).statusCode()).isIn(200, 204, 403, 404);
		HttpResponse<String> conditional = as("chengbei-his", "PUT", "/fhir/Patient?identifier=" + byResidentId, json(rewritten.setId((String) null)));
		assertThat(conditional.body()).doesNotContain(deyangNumber).doesNotContain(new IdType(deyangs).getIdPart() + "\"");

		Patient stored = fhir.read().resource(Patient.class).withId(deyangs).execute();
		assertThat(stored.getMeta().getVersionId()).isEqualTo("1");
		assertThat(stored.getIdentifier()).extracting(Identifier::getValue).contains(deyangNumber);
	}

	@Test
	void aConditionalCreateMatchingAHiddenPatientAnswersAsIfThereWereNone() throws Exception {
		String resident = newResidentId();
		Patient deyangs = patient("赵丽华", resident, DEYANG_MRN);
		fhir.create().resource(deyangs).execute();

		Patient seconds = patient("赵丽华", resident, SECOND_MRN);
		HttpResponse<String> hidden = as("second-his", "POST", "/fhir/Patient", json(seconds), "If-None-Exist", "identifier=" + RESIDENT_ID + "|" + resident);
		Patient unknown = patient("钱小明", newResidentId(), SECOND_MRN);
		HttpResponse<String> absent = as("second-his", "POST", "/fhir/Patient", json(unknown), "If-None-Exist",
				"identifier=" + RESIDENT_ID + "|" + unknown.getIdentifierFirstRep().getValue());

		assertThat(hidden.statusCode()).as(hidden.body()).isEqualTo(absent.statusCode()).isEqualTo(201);
		assertThat(hidden.body()).doesNotContain(DEYANG_MRN);
	}

	@Test
	void aReferralCannotOpenAPatientTheSenderHoldsNoRecordOf() throws Exception {
		ServiceRequest referral = example("ServiceRequest-referral-up-wang-xiuying", ServiceRequest.class);
		referral.getIdentifierFirstRep().setSystem(SID + "referral/12510600452070002C").setValue(unique("EY-ZZ-"));
		referral.setRequester(new Reference(SECOND));
		referral.setPerformer(List.of(new Reference("Organization/deyang-peoples-hospital")));
		referral.getCategory().get(0).getCodingFirstRep().setCode("lateral").setDisplay("平转");
		referral.setSupportingInfo(List.of());

		HttpResponse<String> response = as("second-his", "POST", "/fhir/ServiceRequest", json(referral));

		assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
		assertThat(response.body()).contains("ServiceRequest.subject");
		assertThat(as("second-his", "GET", "/fhir/" + LAB_REPORT).statusCode()).isEqualTo(404);
	}

	@Test
	void aSenderReadsNoneOfTheReceiversOwnRecords() throws Exception {
		// 城北 referred 王秀英 up to deyang: it reads deyang's feedback of that referral, not deyang's own report of her.
		HttpResponse<String> response = as("chengbei-his", "GET", "/fhir/" + LAB_REPORT);
		assertThat(response.statusCode()).isEqualTo(404);
		assertNothingOfWang(as("chengbei-his", "GET", "/fhir/DiagnosticReport?subject=" + WANG));
	}

	@Test
	void aHospitalWithoutARecordOfThePatientCannotRecordHerSharingConsent() throws Exception {
		org.hl7.fhir.r4.model.Consent permit = example("Consent-sharing-consent-wang-xiuying", org.hl7.fhir.r4.model.Consent.class);
		permit.setDateTimeElement(new org.hl7.fhir.r4.model.DateTimeType("2026-11-30T10:00:00+08:00"));
		permit.addPerformer(new Reference(WANG));
		permit.setSource(new org.hl7.fhir.r4.model.Attachment().setTitle("知情同意书.pdf").setUrl("https://chengbei.example.cn/consent/1.pdf"));

		HttpResponse<String> response = as("chengbei-his", "POST", "/fhir/Consent", json(permit));

		assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
		assertThat(response.body()).contains("Consent.patient");
	}

	@Test
	void recognitionAsksAsTheCallersOwnOrganisation() throws Exception {
		String query = "/fhir/Patient/$recognizable?identifier=" + URLEncoder.encode(RESIDENT_ID + "|510603198506124528", StandardCharsets.UTF_8);
		HttpResponse<String> impersonating = as("chengbei-his", "GET", query + "&requester=" + SECOND);
		HttpResponse<String> recognition = as("chengbei-his", "GET", "/fhir/" + LAB_REPORT + "/$recognition?requester=" + SECOND);

		assertThat(impersonating.statusCode()).isEqualTo(403);
		assertThat(recognition.statusCode()).isEqualTo(403);
		assertThat(as("chengbei-his", "GET", query).statusCode()).isEqualTo(200);
		assertThat(as("commission-auditor", "GET", query + "&requester=" + SECOND).statusCode()).isEqualTo(200);
	}

	@Test
	void aPageLinkAnswersOnlyTheClientWhoseSearchMadeIt() throws Exception {
		Bundle first = fhirContext().newJsonParser().parseResource(Bundle.class,
				as("commission-auditor", "GET", "/fhir/DiagnosticReport?_count=1").body());
		String next = first.getLink("next").getUrl();
		String path = next.substring(next.indexOf("/fhir"));

		HttpResponse<String> stolen = as("second-his", "GET", path);
		HttpResponse<String> expired = as("second-his", "GET", "/fhir?_getpages=" + java.util.UUID.randomUUID() + "&_getpagesoffset=1&_count=1");

		assertThat(stolen.statusCode()).isEqualTo(410).isEqualTo(expired.statusCode());
		assertNothingOfWang(stolen);
		assertThat(as("commission-auditor", "GET", path).statusCode()).isEqualTo(200);
	}

	@Test
	void existenceOraclesAnswerAsForNothing() throws Exception {
		HttpResponse<String> has = as("second-his", "GET", "/fhir/Organization?_has:Patient:organization:name=" + URLEncoder.encode("王", StandardCharsets.UTF_8));
		HttpResponse<String> metaHidden = as("second-his", "GET", "/fhir/" + LAB_REPORT + "/$meta");
		HttpResponse<String> metaAbsent = as("second-his", "GET", "/fhir/DiagnosticReport/no-such-report/$meta");
		HttpResponse<String> validateHidden = as("second-his", "GET", "/fhir/" + LAB_REPORT + "/$validate?mode=delete");
		HttpResponse<String> validateAbsent = as("second-his", "GET", "/fhir/DiagnosticReport/no-such-report/$validate?mode=delete");

		HttpResponse<String> readHidden = as("second-his", "GET", "/fhir/" + LAB_REPORT);
		HttpResponse<String> readAbsent = as("second-his", "GET", "/fhir/DiagnosticReport/no-such-report");
		assertThat(readHidden.statusCode()).isEqualTo(readAbsent.statusCode()).isEqualTo(404);
		assertThat(readHidden.body().replace("lab-report-wang-xiuying", "{id}")).isEqualTo(readAbsent.body().replace("no-such-report", "{id}"));
		assertThat(metaHidden.body().replace("lab-report-wang-xiuying", "{id}")).isEqualTo(metaAbsent.body().replace("no-such-report", "{id}"));

		assertThat(has.statusCode()).isEqualTo(403);
		assertThat(metaHidden.statusCode()).isEqualTo(metaAbsent.statusCode()).isEqualTo(404);
		assertThat(validateHidden.statusCode()).isEqualTo(validateAbsent.statusCode());
		for (HttpResponse<String> r : List.of(has, metaHidden, validateHidden)) {
			assertThat(r.body()).doesNotContain("Observation/").doesNotContain("ServiceRequest/");
			assertNothingOfWang(r);
		}
	}

	@Test
	void includesNeverGoAroundScopes() throws Exception {
		HttpResponse<String> response = as("deyang-lis", "GET",
				"/fhir/Organization?_id=deyang-city-medical-group&_revinclude=Consent:organization&_revinclude=DocumentReference:author");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).doesNotContain("\"resourceType\":\"Consent\"").doesNotContain("\"resourceType\":\"DocumentReference\"");
	}

	/** Not narrowed is not unscoped: an operator's token for organisations includes no audit events, whatever it searches. */
	@Test
	void includesOfAnOperatorsNarrowTokenKeepToItsScopes() throws Exception {
		String patient = fhir.create().resource(patient("孙建国", newResidentId(), DEYANG_MRN)).execute().getId().toUnqualifiedVersionless().getValue();
		fhir.read().resource(Patient.class).withUrl(patient).execute(); // an audit event naming her
		String search = "/fhir/Patient?_id=" + patient.substring("Patient/".length()) + "&_revinclude=AuditEvent:patient";
		String everything = token(OPERATOR, OPERATOR_SECRET);
		String patientsOnly = token(OPERATOR, OPERATOR_SECRET, "system/Patient.rs");

		assertThat(send("GET", search, null, "Authorization", "Bearer " + everything).body()).contains("\"resourceType\":\"AuditEvent\"");
		HttpResponse<String> narrow = send("GET", search, null, "Authorization", "Bearer " + patientsOnly);
		assertThat(narrow.statusCode()).isEqualTo(200);
		assertThat(narrow.body()).contains(patient).doesNotContain("\"resourceType\":\"AuditEvent\"");
		HttpResponse<String> guide = send("GET", "/fhir/StructureDefinition?_count=1&_revinclude=AuditEvent:entity", null,
				"Authorization", "Bearer " + patientsOnly);
		assertThat(guide.statusCode()).isEqualTo(200);
		assertThat(guide.body()).doesNotContain("\"resourceType\":\"AuditEvent\"");
	}

	/** The criteria of a conditional write are a search: what a search may not ask, they may not either. */
	@Test
	void aConditionalWriteCannotAskWhatASearchMayNot() throws Exception {
		String has = "_has:Observation:subject:code=" + URLEncoder.encode("http://loinc.org|2345-7", StandardCharsets.UTF_8);
		Patient someone = patient("周志强", newResidentId(), SECOND_MRN);
		HttpResponse<String> create = as("second-his", "POST", "/fhir/Patient", json(someone), "If-None-Exist", has);
		HttpResponse<String> update = as("second-his", "PUT", "/fhir/Patient?" + has, json(someone));
		HttpResponse<String> delete = as("second-his", "DELETE", "/fhir/Patient?" + has);
		Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		transaction.addEntry().setResource(someone).setFullUrl("urn:uuid:" + java.util.UUID.randomUUID())
				.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient").setIfNoneExist(has);
		HttpResponse<String> entry = as("second-his", "POST", "/fhir", json(transaction));
		HttpResponse<String> chained = as("second-his", "POST", "/fhir/Observation",
				json(example("Observation-glucose-wang-xiuying", org.hl7.fhir.r4.model.Observation.class)), "If-None-Exist",
				"subject.birthdate=1950-01-01");

		for (HttpResponse<String> refused : List.of(create, update, delete, entry)) {
			assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
			assertThat(refused.body()).contains("yl-has");
		}
		assertThat(chained.statusCode()).isEqualTo(403);
		assertThat(chained.body()).contains("yl-chain");
	}

	@ParameterizedTest
	@ValueSource(strings = {"$mark-all-resources-for-reindexing", "$perform-reindexing-pass", "$expunge"})
	void maintenanceIsTheOperatorsAlone(String operation) throws Exception {
		assertThat(as("commission-auditor", "POST", "/fhir/" + operation, "{\"resourceType\":\"Parameters\"}").statusCode()).isEqualTo(403);
		assertThat(as("deyang-his", "POST", "/fhir/" + operation, "{\"resourceType\":\"Parameters\"}").statusCode()).isEqualTo(403);
	}

	@Test
	void aHospitalKeepsToItsOwnEntriesInTheDirectory() throws Exception {
		Organization lab = example("Organization-deyang-peoples-hospital-lab", Organization.class);
		lab.setName("德阳市第二人民医院检验科").setPartOf(new Reference(SECOND));
		lab.getIdentifierFirstRep().setValue(unique("12510600452070002C-LAB-"));
		String secondsLab = fhir.create().resource(lab).execute().getId().toUnqualifiedVersionless().getValue();

		Organization takeover = fhir.read().resource(Organization.class).withId(secondsLab).execute();
		takeover.setPartOf(new Reference("Organization/deyang-peoples-hospital"));
		Organization deactivated = fhir.read().resource(Organization.class).withId(SECOND).execute().setActive(false);
		Organization selfCertified = fhir.read().resource(Organization.class).withId("Organization/deyang-peoples-hospital-lab").execute();
		selfCertified.getExtensionsByUrl(health.yilian.quality.QcStanding.QUALIFICATION).forEach(q ->
				q.getExtensionByUrl("period").setValue(new org.hl7.fhir.r4.model.Period().setStart(new java.util.Date()).setEndElement(
						new org.hl7.fhir.r4.model.DateTimeType("2030-12-31"))));
		String ledBySecond = new health.yilian.membership.AllianceFixtures(fhir).alliance(SECOND, "德阳市第二人民医院专科联盟");
		Organization alliance = fhir.read().resource(Organization.class).withId(ledBySecond).execute();
		alliance.getExtensionByUrl(health.yilian.membership.Memberships.LEAD_HOSPITAL).setValue(new Reference("Organization/deyang-peoples-hospital"));

		assertThat(as("deyang-his", "PUT", "/fhir/" + secondsLab, json(takeover)).statusCode()).isEqualTo(403);
		assertThat(as("deyang-his", "PUT", "/fhir/" + SECOND, json(deactivated)).statusCode()).isEqualTo(403);
		assertThat(as("deyang-his", "PUT", "/fhir/Organization/deyang-peoples-hospital-lab", json(selfCertified)).statusCode()).isEqualTo(403);
		assertThat(as("deyang-his", "PUT", "/fhir/" + ledBySecond, json(alliance)).statusCode()).isEqualTo(403);
		assertThat(fhir.read().resource(Organization.class).withId(secondsLab).execute().getPartOf().getReference()).isEqualTo(SECOND);
		assertThat(fhir.read().resource(Organization.class).withId(SECOND).execute().getActive()).isTrue();
	}

	@Test
	void qualificationsComeFromTheQcCentreThatIssuesThem() throws Exception {
		Organization lab = fhir.read().resource(Organization.class).withId("Organization/deyang-peoples-hospital-lab").execute();
		org.hl7.fhir.r4.model.Extension failed = lab.getExtensionsByUrl(health.yilian.quality.QcStanding.QUALIFICATION).get(0).copy();
		failed.getExtensionByUrl("issuer").setValue(new Reference("Organization/sichuan-clinical-laboratory-centre").setDisplay("四川省临床检验中心"));
		failed.getExtensionByUrl(health.yilian.quality.QcStanding.STATUS).setValue(new org.hl7.fhir.r4.model.CodeType("failed"));
		failed.getExtensionByUrl("period").setValue(new org.hl7.fhir.r4.model.Period().setStartElement(new org.hl7.fhir.r4.model.DateTimeType("2030-01-01")));
		lab.addExtension(failed);
		Organization renamed = fhir.read().resource(Organization.class).withId("Organization/deyang-peoples-hospital-lab").execute().setName("德阳检验中心");

		assertThat(as("sichuan-lab-qc-centre", "PUT", "/fhir/Organization/deyang-peoples-hospital-lab", json(renamed)).statusCode()).isEqualTo(403);
		HttpResponse<String> posted = as("sichuan-lab-qc-centre", "PUT", "/fhir/Organization/deyang-peoples-hospital-lab", json(lab));
		assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
		assertThat(as("sichuan-lab-qc-centre", "GET", "/fhir/" + LAB_REPORT).statusCode()).isIn(403, 404);
		// Leave the demo lab as it was for the other tests.
		Organization restored = fhir.read().resource(Organization.class).withId("Organization/deyang-peoples-hospital-lab").execute();
		restored.getExtension().removeIf(e -> e.getExtensionByUrl("issuer") != null
				&& e.getExtensionByUrl("issuer").getValue() instanceof Reference r && "Organization/sichuan-clinical-laboratory-centre".equals(r.getReference()));
		fhir.update().resource(restored).execute();
	}

	@Test
	void subscriptionsDeliverOnlyToRegisteredEndpointsAndOnlyWhatTheOwnerMayRead() throws Exception {
		org.hl7.fhir.r4.model.Subscription anywhere = subscription("DiagnosticReport?", "https://collector.example.com/hook");
		assertThat(as("deyang-his", "POST", "/fhir/Subscription", json(anywhere)).statusCode()).isEqualTo(403);

		java.util.concurrent.BlockingQueue<String> received = new java.util.concurrent.LinkedBlockingQueue<>();
		com.sun.net.httpserver.HttpServer his = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 9301), 0);
		his.createContext("/", exchange -> {
			received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
			exchange.sendResponseHeaders(200, -1);
			exchange.close();
		});
		his.start();
		try {
			HttpResponse<String> created = as("deyang-his", "POST", "/fhir/Subscription",
					json(subscription("DiagnosticReport?", "http://127.0.0.1:9301/deyang-his/reports")));
			assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
			String id = new IdType(created.headers().firstValue("Location").orElseThrow()).toUnqualifiedVersionless().getIdPart();
			awaitActive(id);

			secondHospitalHasAReportOfItsOwn(); // another hospital's report: not for deyang
			DiagnosticReport own = example("DiagnosticReport-lab-report-wang-xiuying", DiagnosticReport.class);
			own.getIdentifierFirstRep().setValue(unique("DY-LIS-"));
			String ownId = fhir.create().resource(own).execute().getId().getIdPart();

			String delivered = received.poll(30, java.util.concurrent.TimeUnit.SECONDS);
			assertThat(delivered).isNotNull().contains(ownId);
			Thread.sleep(1000);
			assertThat(String.join("\n", received)).doesNotContain(new IdType(secondReport).getIdPart()).doesNotContain("李建国");
			assertThat(delivered).doesNotContain(new IdType(secondReport).getIdPart());
			fhir.delete().resourceById(new IdType("Subscription", id)).execute();
		} finally {
			his.stop(0);
		}
	}

	@Test
	void aTaskCannotForgeFeedbackOrAttachToAnotherHospitalsReferral() throws Exception {
		org.hl7.fhir.r4.model.Task forged = example("Task-referral-task-wang-xiuying", org.hl7.fhir.r4.model.Task.class);
		forged.addOutput().setType(new org.hl7.fhir.r4.model.CodeableConcept().setText("反馈")).setValue(new Reference(LAB_REPORT));
		HttpResponse<String> withFeedback = as("chengbei-his", "POST", "/fhir/Task", json(forged));
		org.hl7.fhir.r4.model.Task onAnothersReferral = example("Task-referral-task-wang-xiuying", org.hl7.fhir.r4.model.Task.class);
		onAnothersReferral.setRequester(new Reference(SECOND)).setFor(null);
		HttpResponse<String> attached = as("second-his", "POST", "/fhir/Task", json(onAnothersReferral));

		assertThat(withFeedback.statusCode()).as(withFeedback.body()).isEqualTo(403);
		assertThat(attached.statusCode()).as(attached.body()).isIn(403, 422);
		assertThat(as("chengbei-his", "GET", "/fhir/" + LAB_REPORT).statusCode()).isEqualTo(404);
		assertThat(as("chengbei-his", "GET", "/fhir/" + WANG).statusCode()).isEqualTo(404);
	}

	@Test
	void aTaskStaysTheKindItWasMadeAs() throws Exception {
		org.hl7.fhir.r4.model.Task task = fhir.read().resource(org.hl7.fhir.r4.model.Task.class).withId("Task/referral-task-wang-xiuying").execute();
		task.getCode().addCoding().setSystem(health.yilian.guide.TaskKind.SYSTEM).setCode("recognition-decision");
		task.setRequester(new Reference(SECOND));
		assertThat(as("deyang-his", "PUT", "/fhir/Task/referral-task-wang-xiuying", json(task)).statusCode()).isEqualTo(403);
	}

	@Test
	void aNestedReverseChainIsRefusedAsThePlainOneIs() throws Exception {
		HttpResponse<String> nested = as("sichuan-lab-qc-centre", "GET",
				"/fhir/Organization?_has:Organization:partof:_has:Observation:performer:patient=" + WANG);
		assertThat(nested.statusCode()).isEqualTo(403);
		assertThat(nested.body()).doesNotContain("deyang-peoples-hospital\"");
	}

	@Test
	void anotherHospitalsIdentifierNamespaceIsNotAHospitalsToUse() throws Exception {
		DiagnosticReport squatting = example("DiagnosticReport-lab-report-wang-xiuying", DiagnosticReport.class);
		squatting.getIdentifierFirstRep().setSystem(SID + "lis-report/12510600452070002C").setValue(unique("EY-LIS-"));
		HttpResponse<String> response = as("deyang-lis", "PUT", "/fhir/DiagnosticReport?identifier="
				+ URLEncoder.encode(squatting.getIdentifierFirstRep().getSystem() + "|" + squatting.getIdentifierFirstRep().getValue(), StandardCharsets.UTF_8),
				json(squatting));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
	}

	@Test
	void aReferenceToAHiddenRecordIsRefusedAsOneToNoRecord() throws Exception {
		Patient linkedToHidden = patient("陈晓燕", newResidentId(), SID + "mrn/12510603MB1500003D");
		linkedToHidden.addLink().setType(Patient.LinkType.SEEALSO).setOther(new Reference(WANG));
		Patient linkedToNothing = patient("陈晓燕", newResidentId(), SID + "mrn/12510603MB1500003D");
		linkedToNothing.addLink().setType(Patient.LinkType.SEEALSO).setOther(new Reference("Patient/no-such-patient"));

		HttpResponse<String> hidden = as("chengbei-his", "POST", "/fhir/Patient", json(linkedToHidden));
		HttpResponse<String> absent = as("chengbei-his", "POST", "/fhir/Patient", json(linkedToNothing));

		assertThat(hidden.statusCode()).as(hidden.body()).isEqualTo(absent.statusCode()).isEqualTo(403);
		assertThat(hidden.body().replace("wang-xiuying", "{id}")).isEqualTo(absent.body().replace("no-such-patient", "{id}"));
	}

	@Test
	void operationsOnAHiddenRecordAnswerAsOnNoRecord() throws Exception {
		for (String[] pair : List.of(
				new String[] {"/fhir/" + WANG + "/$recognizable", "/fhir/Patient/no-such-patient/$recognizable"},
				new String[] {"/fhir/" + secondReport + "/$recognition", "/fhir/DiagnosticReport/no-such-report/$recognition"},
				new String[] {"/fhir/" + WANG + "/$everything", "/fhir/Patient/no-such-patient/$everything"})) {
			HttpResponse<String> hidden = as("chengbei-his", "GET", pair[0]);
			HttpResponse<String> absent = as("chengbei-his", "GET", pair[1]);
			assertThat(hidden.statusCode()).as(pair[0] + " " + hidden.body()).isEqualTo(absent.statusCode()).isEqualTo(404);
			String id = new IdType(pair[0].replace("/fhir/", "").replaceAll("/\\$.*", "")).getIdPart();
			String none = new IdType(pair[1].replace("/fhir/", "").replaceAll("/\\$.*", "")).getIdPart();
			assertThat(hidden.body().replace(id, "{id}")).isEqualTo(absent.body().replace(none, "{id}"));
		}
	}

	@Test
	void aDeletedRecordOfAnotherHospitalAnswersAsNoRecord() throws Exception {
		String gone = fhir.create().resource(patient("吴桂芳", newResidentId(), SECOND_MRN)).execute().getId().toUnqualifiedVersionless().getValue();
		fhir.delete().resourceById(new IdType(gone)).execute();
		HttpResponse<String> hidden = as("chengbei-his", "GET", "/fhir/" + gone);
		HttpResponse<String> absent = as("chengbei-his", "GET", "/fhir/Patient/no-such-patient");
		assertThat(hidden.statusCode()).isEqualTo(absent.statusCode()).isEqualTo(404);
		assertThat(hidden.body().replace(new IdType(gone).getIdPart(), "{id}")).isEqualTo(absent.body().replace("no-such-patient", "{id}"));
	}

	@Test
	void aSubscriptionEndpointCannotClimbOutOfItsRegisteredPath() throws Exception {
		HttpResponse<String> climbing = as("deyang-his", "POST", "/fhir/Subscription",
				json(subscription("DiagnosticReport?", "http://127.0.0.1:9301/deyang-his/../collector/")));
		assertThat(climbing.statusCode()).isEqualTo(403);
	}

	@Test
	void aChainFromAnOwnRecordIntoAHiddenOneIsRefusedWhateverTheData() throws Exception {
		// 城北's own referral names 德阳's record of 王秀英 as its subject: a chain through it would read that record.
		for (String chain : List.of("/fhir/ServiceRequest?_id=referral-up-wang-xiuying&subject:Patient.identifier=" + DEYANG_MRN + "%7CDY2024000381",
				"/fhir/Task?_id=referral-task-wang-xiuying&patient.birthdate=1985-06-12",
				"/fhir/Task?focus:DiagnosticReport.result:Observation.code-value-quantity=http://loinc.org%7C2823-3%24ge4.1")) {
			HttpResponse<String> response = as("chengbei-his", "GET", chain);
			assertThat(response.statusCode()).as(chain).isEqualTo(403);
			assertThat(response.body()).contains("yl-chain");
		}
	}

	@Test
	void aMemberAsksAboutRecognitionTodayOnly() throws Exception {
		String query = "/fhir/Patient/$recognizable?identifier=" + URLEncoder.encode(RESIDENT_ID + "|510603198506124528", StandardCharsets.UTF_8);
		assertThat(as("chengbei-his", "GET", query + "&date=2026-11-12").statusCode()).isEqualTo(403);
		assertThat(as("chengbei-his", "GET", "/fhir/" + LAB_REPORT + "/$recognition?date=2026-11-12").statusCode()).isEqualTo(403);
		assertThat(as("commission-auditor", "GET", query + "&date=2026-11-12&requester=Organization/chengbei-community-health-centre").statusCode())
				.isEqualTo(200);
	}

	@Test
	void aHospitalCannotRegisterAnAllianceAsItsDepartmentNorChangeTheAllianceItLeads() throws Exception {
		Organization disguised = example("Organization-deyang-city-medical-group", Organization.class);
		disguised.getIdentifier().clear();
		disguised.setName("德阳伪联盟").setPartOf(new Reference("Organization/deyang-peoples-hospital"));
		Organization group = fhir.read().resource(Organization.class).withId("Organization/deyang-city-medical-group").execute();
		group.setPartOf(new Reference("Organization/deyang-peoples-hospital"));
		group.addExtension(fhir.read().resource(Organization.class).withId("Organization/deyang-peoples-hospital-lab").execute()
				.getExtensionsByUrl(health.yilian.quality.QcStanding.QUALIFICATION).get(0).copy());

		assertThat(as("deyang-his", "POST", "/fhir/Organization", json(disguised)).statusCode()).isEqualTo(403);
		assertThat(as("deyang-his", "PUT", "/fhir/Organization/deyang-city-medical-group", json(group)).statusCode()).isEqualTo(403);
	}

	@Test
	void anAbsoluteReferenceToAHiddenRecordIsRefusedAsARelativeOneIs() throws Exception {
		Patient linked = patient("郑美玲", newResidentId(), SID + "mrn/12510603MB1500003D");
		linked.addLink().setType(Patient.LinkType.SEEALSO).setOther(new Reference(baseUrl() + "/" + WANG));
		HttpResponse<String> response = as("chengbei-his", "POST", "/fhir/Patient", json(linked));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
		assertThat(response.body()).contains("yl-reference");
	}

	@Test
	void everyInteractionAndOperationTheServerOffersIsNamedByThePolicy() throws Exception {
		org.hl7.fhir.r4.model.CapabilityStatement statement = fhirContext().newJsonParser().parseResource(
				org.hl7.fhir.r4.model.CapabilityStatement.class, as("deyang-lis", "GET", "/fhir/metadata").body());
		var rest = statement.getRestFirstRep();
		List<String> unnamed = new java.util.ArrayList<>();
		rest.getOperation().forEach(o -> check(unnamed, o.getName()));
		rest.getResource().forEach(r -> {
			r.getOperation().forEach(o -> check(unnamed, o.getName()));
			r.getInteraction().forEach(i -> check(unnamed, i.getCode().toCode()));
		});
		rest.getInteraction().forEach(i -> check(unnamed, i.getCode().toCode()));
		assertThat(unnamed).as("interactions and operations no rule of AccessPolicy names").isEmpty();
	}

	private static void check(List<String> unnamed, String name) {
		if (!AccessPolicy.names(name)) {
			unnamed.add(name);
		}
	}

	private org.hl7.fhir.r4.model.Subscription subscription(String criteria, String endpoint) {
		org.hl7.fhir.r4.model.Subscription subscription = new org.hl7.fhir.r4.model.Subscription();
		subscription.setStatus(org.hl7.fhir.r4.model.Subscription.SubscriptionStatus.REQUESTED);
		subscription.setReason("检验报告通知");
		subscription.setCriteria(criteria);
		subscription.getChannel().setType(org.hl7.fhir.r4.model.Subscription.SubscriptionChannelType.RESTHOOK)
				.setEndpoint(endpoint).setPayload("application/fhir+json");
		return subscription;
	}

	@org.springframework.beans.factory.annotation.Autowired
	private ca.uhn.fhir.jpa.subscription.match.registry.SubscriptionRegistry subscriptions;

	private void awaitActive(String id) throws InterruptedException {
		for (int i = 0; i < 100 && subscriptions.get(id) == null; i++) {
			Thread.sleep(200);
		}
	}

	private static Patient patient(String name, String residentId, String mrnSystem) {
		Patient patient = example("Patient-wang-xiuying", Patient.class);
		patient.getNameFirstRep().setText(name).setFamily(name.substring(0, 1)).setGiven(List.of(new org.hl7.fhir.r4.model.StringType(name.substring(1))));
		patient.getIdentifier().clear();
		patient.addIdentifier(new Identifier().setSystem(RESIDENT_ID).setValue(residentId));
		patient.addIdentifier(new Identifier().setSystem(mrnSystem).setValue(unique("MRN")));
		return patient;
	}

	private HttpResponse<String> as(String client, String method, String path) throws Exception {
		return as(client, method, path, null);
	}

	private HttpResponse<String> as(String client, String method, String path, String body, String... headers) throws Exception {
		String[] all = java.util.Arrays.copyOf(headers, headers.length + 2);
		all[headers.length] = "Authorization";
		all[headers.length + 1] = "Bearer " + token(client, secrets.get(client));
		return send(method, path, body, all);
	}

	private static String json(org.hl7.fhir.instance.model.api.IBaseResource resource) {
		return fhirContext().newJsonParser().encodeResourceToString(resource);
	}

	private static void assertNothingOfWang(HttpResponse<String> response, String... except) {
		for (String trace : WANG_XIUYING) {
			if (!List.of(except).contains(trace)) {
				assertThat(response.body()).as("%s in %s", trace, response.body()).doesNotContain(trace);
			}
		}
	}
}
