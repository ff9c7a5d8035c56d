package health.yilian.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import health.yilian.server.FhirServerTestSupport;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.OrganizationAffiliation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;

/**
 * Each hospital system acts as itself (SMART Backend Services), over HTTP with real tokens from the embedded
 * issuer: the demo alliance's LIS and HIS of 德阳市人民医院, the HIS of 城北社区卫生服务中心, the health commission's
 * auditor, a PACS with its own key, and clients the server does not know.
 */
class SecurityTest extends FhirServerTestSupport {

	private static final HttpClient HTTP = HttpClient.newHttpClient();
	private static final String DEYANG = "Organization/deyang-peoples-hospital";
	private static final String CHENGBEI = "Organization/chengbei-community-health-centre";
	private static final String CHENGBEI_MRN = SID + "mrn/12510603MB1500003D";
	private static final String DEYANG_MRN = SID + "mrn/12510600452070001B";

	@Test
	void withoutAValidTokenTheApiAnswers401WithWwwAuthenticateAndSaysHowToGetOne() throws Exception {
		HttpResponse<String> none = get("/fhir/Patient", null);
		assertThat(none.statusCode()).isEqualTo(401);
		assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
		assertThat(none.body()).contains("OperationOutcome").contains("/oauth2/token");

		HttpResponse<String> forged = get("/fhir/Patient", "eyJhbGciOiJSUzM4NCJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl");
		assertThat(forged.statusCode()).isEqualTo(401);
		assertThat(forged.headers().firstValue("WWW-Authenticate").orElse("")).contains("invalid_token");

		assertThat(get("/fhir/metadata", null).statusCode()).isEqualTo(200);
	}

	/** The guide is every client's to read, whatever its scopes: a LIS builds its feed against the profiles. */
	@Test
	void everyClientReadsTheGuideWhateverItsScopes() throws Exception {
		IGenericClient lis = clientFor("deyang-lis", "deyang-lis-demo-secret"); // no StructureDefinition or ValueSet scope
		Bundle profile = lis.search().byUrl("StructureDefinition?url=" + health.yilian.guide.YilianGuide.CANONICAL + "/StructureDefinition/yilian-patient")
				.returnBundle(Bundle.class).execute();
		assertThat(profile.getEntry()).hasSize(1);
		String id = profile.getEntryFirstRep().getResource().getIdElement().toUnqualifiedVersionless().getValue();
		assertThat(lis.read().resource(org.hl7.fhir.r4.model.StructureDefinition.class).withUrl(id).execute().getName()).isNotBlank();
		assertThat(lis.search().byUrl("ValueSet?_count=5").returnBundle(Bundle.class).execute().getEntry()).isNotEmpty();
		assertThat(lis.search().byUrl("CodeSystem?_count=5").returnBundle(Bundle.class).execute().getEntry()).isNotEmpty();
		IGenericClient qc = clientFor("sichuan-lab-qc-centre", "lab-qc-centre-demo-secret");
		assertThat(qc.search().byUrl("SearchParameter?_count=5").returnBundle(Bundle.class).execute().getEntry()).isNotEmpty();
	}

	@Test
	void anUnknownClientOrAWrongSecretGetsNoToken() {
		assertThatThrownBy(() -> token("unknown-his", "guess")).hasMessageContaining("HTTP 401");
		assertThatThrownBy(() -> token("deyang-lis", "wrong-secret")).hasMessageContaining("HTTP 401");
	}

	@Test
	void discoveryAndTheCapabilityStatementTellWhereToGetAToken() throws Exception {
		HttpResponse<String> smart = get("/fhir/.well-known/smart-configuration", null);
		assertThat(smart.statusCode()).isEqualTo(200);
		assertThat(smart.body()).contains("\"token_endpoint\":\"http://localhost:" + port + "/oauth2/token\"").contains("private_key_jwt");

		CapabilityStatement capability = fhir.capabilities().ofType(CapabilityStatement.class).execute();
		assertThat(capability.getRestFirstRep().getSecurity().getServiceFirstRep().getCodingFirstRep().getCode()).isEqualTo("SMART-on-FHIR");
	}

	@Test
	void aPacsAndARisAuthenticateWithTheirOwnKeysRs384AndEs384() throws Exception {
		String tokenEndpoint = "http://localhost:" + port + "/oauth2/token";
		for (String assertion : List.of(PacsKeys.clientAssertion(tokenEndpoint, "http://localhost:" + port),
				PacsKeys.ecClientAssertion(tokenEndpoint, "http://localhost:" + port))) {
			HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(tokenEndpoint))
					.header("Content-Type", "application/x-www-form-urlencoded")
					.POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=" + URLEncoder.encode("system/DiagnosticReport.cruds", StandardCharsets.UTF_8)
							+ "&client_assertion_type=" + URLEncoder.encode("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", StandardCharsets.UTF_8)
							+ "&client_assertion=" + assertion))
					.build(), HttpResponse.BodyHandlers.ofString());

			assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
			assertThat(response.body()).contains("system/DiagnosticReport.cruds").contains("\"expires_in\"");
		}
	}

	@Test
	void aLabSystemWritesOnlyReportsItsOwnLabPerformedAndNothingOutsideItsScopes() throws Exception {
		IGenericClient lis = clientFor("deyang-lis", "deyang-lis-demo-secret");
		DiagnosticReport own = labReport("Organization/deyang-peoples-hospital-lab");
		assertThat(lis.create().resource(own).execute().getCreated()).isTrue();

		DiagnosticReport others = labReport(CHENGBEI);
		assertThatThrownBy(() -> lis.create().resource(others).execute())
				.isInstanceOf(ForbiddenOperationException.class).hasMessageContaining("yl-acts-for");
		ServiceRequest referral = example("ServiceRequest-referral-up-wang-xiuying", ServiceRequest.class);
		assertThatThrownBy(() -> lis.create().resource(referral).execute())
				.isInstanceOf(ForbiddenOperationException.class).hasMessageContaining("yl-scope").hasMessageContaining("system/ServiceRequest.c");
		assertThatThrownBy(() -> lis.search().forResource(Task.class).returnBundle(Bundle.class).execute())
				.isInstanceOf(ForbiddenOperationException.class).hasMessageContaining("yl-scope");
	}

	@Test
	void onlyTheReceiverAcceptsAReferralAndOnlyTheSenderCancelsIt() throws Exception {
		IGenericClient community = clientFor("chengbei-his", "chengbei-his-demo-secret");
		IGenericClient county = clientFor("deyang-his", "deyang-his-demo-secret");
		Task task = community.read().resource(Task.class).withUrl(refer(community)).execute();

		task.setStatus(Task.TaskStatus.RECEIVED);
		Task byTheSender = task;
		assertThatThrownBy(() -> community.update().resource(byTheSender).execute())
				.isInstanceOf(ForbiddenOperationException.class).hasMessageContaining("only the receiving organisation");
		county.update().resource(task).execute();

		Task accepted = county.read().resource(Task.class).withUrl(task.getIdElement().toUnqualifiedVersionless().getValue()).execute();
		accepted.setStatus(Task.TaskStatus.CANCELLED);
		assertThatThrownBy(() -> county.update().resource(accepted).execute())
				.isInstanceOf(ForbiddenOperationException.class).hasMessageContaining("only the sender cancels");
		community.update().resource(accepted).execute();
	}

	@Test
	void afterInProgressTheReceiverCancelsOnceItHasAgreedToTheSendersRequest() throws Exception {
		IGenericClient community = clientFor("chengbei-his", "chengbei-his-demo-secret");
		IGenericClient county = clientFor("deyang-his", "deyang-his-demo-secret");
		String id = refer(community);
		for (Task.TaskStatus next : List.of(Task.TaskStatus.RECEIVED, Task.TaskStatus.ACCEPTED, Task.TaskStatus.INPROGRESS)) {
			county.update().resource(county.read().resource(Task.class).withUrl(id).execute().setStatus(next)).execute();
		}
		Task referral = county.read().resource(Task.class).withUrl(id).execute();
		Task request = new Task().setStatus(Task.TaskStatus.REQUESTED).setIntent(Task.TaskIntent.ORDER);
		request.getCode().addCoding(new org.hl7.fhir.r4.model.Coding(health.yilian.guide.TaskKind.SYSTEM, "cancellation-request", "转诊取消申请"));
		request.setFocus(new Reference(referral.getIdElement().toUnqualifiedVersionless())).setFor(referral.getFor())
				.setAuthoredOnElement(new org.hl7.fhir.r4.model.DateTimeType("2026-11-22T09:00:00+08:00"))
				.setRequester(new Reference(CHENGBEI)).setOwner(new Reference(DEYANG))
				.setReasonCode(new org.hl7.fhir.r4.model.CodeableConcept().setText("患者家属要求转回当地治疗"));
		String asked = community.create().resource(request).execute().getId().toUnqualifiedVersionless().getValue();
		county.update().resource(county.read().resource(Task.class).withUrl(asked).execute().setStatus(Task.TaskStatus.COMPLETED)).execute();

		Task cancelled = county.read().resource(Task.class).withUrl(id).execute().setStatus(Task.TaskStatus.CANCELLED);
		county.update().resource(cancelled).execute();
		assertThat(county.read().resource(Task.class).withUrl(id).execute().getStatus()).isEqualTo(Task.TaskStatus.CANCELLED);
	}

	@Test
	void onlyTheLeadHospitalManagesMemberships() throws Exception {
		Organization newcomer = example("Organization-deyang-second-peoples-hospital", Organization.class);
		newcomer.setName("德阳市中西医结合医院");
		String member = fhir.create().resource(newcomer).execute().getId().toUnqualifiedVersionless().getValue();
		OrganizationAffiliation membership = new health.yilian.membership.AllianceFixtures(fhir)
				.membershipDraft(member, "Organization/deyang-city-medical-group", LocalDate.of(2026, 11, 1));

		IGenericClient community = clientFor("chengbei-his", "chengbei-his-demo-secret");
		assertThatThrownBy(() -> community.create().resource(membership).execute()).isInstanceOf(ForbiddenOperationException.class);
		IGenericClient lead = clientFor("deyang-his", "deyang-his-demo-secret");
		assertThat(lead.create().resource(membership).execute().getCreated()).isTrue();
	}

	@Test
	void theReceiverOfAReferralReadsTheSendersRecordsWhileItIsOpenAndTheSenderNoneOfTheReceivers() throws Exception {
		String residentId = newResidentId();
		String atChengbei = patientRecord(residentId, CHENGBEI_MRN);
		String atDeyang = patientRecord(residentId, DEYANG_MRN);
		DiagnosticReport screening = labReport(CHENGBEI);
		screening.setSubject(new Reference(atChengbei));
		String chengbeis = fhir.create().resource(screening).execute().getId().toUnqualifiedVersionless().getValue();
		DiagnosticReport earlier = labReport("Organization/deyang-peoples-hospital-lab");
		earlier.setSubject(new Reference(atDeyang));
		String deyangs = fhir.create().resource(earlier).execute().getId().toUnqualifiedVersionless().getValue();
		IGenericClient community = clientFor("chengbei-his", "chengbei-his-demo-secret");
		IGenericClient county = clientFor("deyang-his", "deyang-his-demo-secret");

		assertThatThrownBy(() -> county.read().resource(DiagnosticReport.class).withUrl(chengbeis).execute())
				.isInstanceOf(ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException.class);
		assertThat(county.search().byUrl("DiagnosticReport?subject=" + atChengbei).returnBundle(Bundle.class).execute().getEntry()).isEmpty();

		String task = refer(community, atChengbei);
		assertThat(county.read().resource(DiagnosticReport.class).withUrl(chengbeis).execute().getIdElement().getIdPart())
				.isEqualTo(new org.hl7.fhir.r4.model.IdType(chengbeis).getIdPart());
		assertThat(county.read().resource(Patient.class).withUrl(atChengbei).execute()).isNotNull();
		assertThatThrownBy(() -> community.read().resource(DiagnosticReport.class).withUrl(deyangs).execute())
				.isInstanceOf(ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException.class);
		assertThat(community.search().byUrl("DiagnosticReport?subject=" + atDeyang).returnBundle(Bundle.class).execute().getEntry()).isEmpty();

		Task cancelled = community.read().resource(Task.class).withUrl(task).execute().setStatus(Task.TaskStatus.CANCELLED);
		community.update().resource(cancelled).execute();
		assertThatThrownBy(() -> county.read().resource(DiagnosticReport.class).withUrl(chengbeis).execute())
				.as("a closed referral shares only what it named as supporting information")
				.isInstanceOf(ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException.class);
	}

	@Test
	void onlyTheLeadHospitalGrantsTheAlliancesBrand() throws Exception {
		org.hl7.fhir.r4.model.Consent grant = example("Consent-brand-authorization-deyang-second-peoples-hospital", org.hl7.fhir.r4.model.Consent.class);

		IGenericClient community = clientFor("chengbei-his", "chengbei-his-demo-secret");
		assertThatThrownBy(() -> community.create().resource(grant).execute())
				.isInstanceOf(ForbiddenOperationException.class).hasMessageContaining("yl-acts-for").hasMessageContaining("lead hospital");
		IGenericClient lead = clientFor("deyang-his", "deyang-his-demo-secret");
		assertThat(lead.create().resource(grant).execute().getCreated()).isTrue();
	}

	@Test
	void theAuditorReadsEverythingAndWritesNothing() throws Exception {
		IGenericClient auditor = clientFor("commission-auditor", "auditor-demo-secret");
		assertThat(auditor.search().forResource(DiagnosticReport.class).returnBundle(Bundle.class).execute().getEntry()).isNotEmpty();
		assertThat(auditor.search().forResource(Task.class).returnBundle(Bundle.class).execute().getEntry()).isNotEmpty();

		Patient patient = example("Patient-wang-xiuying", Patient.class);
		patient.getIdentifierFirstRep().setValue(newResidentId());
		assertThatThrownBy(() -> auditor.create().resource(patient).execute())
				.isInstanceOf(ForbiddenOperationException.class).hasMessageContaining("yl-auditor-read-only");
	}

	private String refer(IGenericClient community) {
		return refer(community, patientRecord(newResidentId(), CHENGBEI_MRN));
	}

	/** A hospital's own record of a person: the resident ID and the hospital's record number. */
	private String patientRecord(String residentId, String recordNumberSystem) {
		Patient patient = example("Patient-wang-xiuying", Patient.class);
		patient.getIdentifier().get(0).setValue(residentId);
		patient.getIdentifier().get(1).setSystem(recordNumberSystem).setValue(unique("MRN-"));
		return fhir.create().resource(patient).execute().getId().toUnqualifiedVersionless().getValue();
	}

	private String refer(IGenericClient community, String patient) {
		ServiceRequest referral = example("ServiceRequest-referral-up-wang-xiuying", ServiceRequest.class);
		referral.setSubject(new Reference(patient));
		referral.setSupportingInfo(List.of());
		referral.getIdentifierFirstRep().setValue(unique("CB-"));
		referral.setAuthoredOnElement(new org.hl7.fhir.r4.model.DateTimeType("2026-11-22T08:00:00+08:00"));
		Task task = example("Task-referral-task-wang-xiuying", Task.class);
		task.setFor(new Reference(patient));
		task.getRestriction().getPeriod().setEnd(null);
		task.setAuthoredOnElement(new org.hl7.fhir.r4.model.DateTimeType("2026-11-22T08:00:00+08:00"));
		String[] posted = health.yilian.referral.ReferralTransaction.post(community, referral, task);
		assertThat(referral.getRequester().getReference()).isEqualTo(CHENGBEI);
		assertThat(task.getOwner().getReference()).isEqualTo(DEYANG);
		return posted[1];
	}

	private DiagnosticReport labReport(String performer) {
		DiagnosticReport report = example("DiagnosticReport-lab-report-wang-xiuying", DiagnosticReport.class);
		report.getIdentifierFirstRep().setValue(unique("DY-LIS-"));
		report.setPerformer(List.of(new Reference(performer)));
		return report;
	}

	private HttpResponse<String> get(String path, String bearer) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET();
		if (bearer != null) {
			request.header("Authorization", "Bearer " + bearer);
		}
		return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}
}
