package health.yilian.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * What an operator reads: a refusal is one INFO line (status, rule, client, request id), never an ERROR with a stack
 * trace; and Prometheus has requests by interaction, type, organisation and status, refusals by rule, tokens issued
 * and refused, the audit outbox's backlog and age, referrals by state and recognition answers by outcome.
 */
@ExtendWith(OutputCaptureExtension.class)
class OperatorSignalsTest extends FhirServerTestSupport {

	@Test
	void aRefusalIsOneInfoLineAndEveryRequestKindIsCountedForPrometheus(CapturedOutput output) throws Exception {
		String lis = "Bearer " + token("deyang-lis", "deyang-lis-demo-secret");
		ServiceRequest referral = example("ServiceRequest-referral-up-wang-xiuying", ServiceRequest.class);
		HttpResponse<String> refused = send("POST", "/fhir/ServiceRequest", fhirContext().newJsonParser().encodeResourceToString(referral),
				"Authorization", lis, "X-Request-ID", "ops-test-1");
		assertThat(refused.statusCode()).isEqualTo(403);
		assertThat(send("GET", "/fhir/Patient/wang-xiuying", null, "Authorization", lis).statusCode()).isEqualTo(200);
		org.hl7.fhir.r4.model.Observation noStatus = example("Observation-potassium-wang-xiuying", org.hl7.fhir.r4.model.Observation.class);
		noStatus.setStatus(null);
		HttpResponse<String> invalid = send("POST", "/fhir/Observation", fhirContext().newJsonParser().encodeResourceToString(noStatus), "Authorization", lis);
		assertThat(invalid.statusCode()).as(invalid.body()).isEqualTo(422);
		assertThat(invalid.body()).as("the validator's rule, named").contains("operationoutcome-message-id");
		send("POST", "/oauth2/token", "grant_type=client_credentials", "Content-Type", "application/x-www-form-urlencoded", "Authorization",
				"Basic " + java.util.Base64.getEncoder().encodeToString("deyang-lis:wrong".getBytes(java.nio.charset.StandardCharsets.UTF_8)));

		assertThat(send("GET", "/fhir/Patient/$recognizable?identifier=" + RESIDENT_ID + "%7C510603198506124528", null,
				"Authorization", "Bearer " + token("chengbei-his", "chengbei-his-demo-secret")).statusCode()).isEqualTo(200);

		assertThat(output.getOut()).contains("refused 403 yl-scope client=deyang-lis request=ops-test-1 POST ServiceRequest");
		assertThat(output.getOut()).doesNotContain("Exception thrown by interceptor").doesNotContain("Failure during REST processing: ");

		String metrics = send("GET", "/actuator/prometheus", null).body();
		assertThat(metrics).containsPattern("yilian_fhir_requests_seconds_count\\{[^}]*interaction=\"read\"[^}]*organization=\"Organization/deyang-peoples-hospital\""
				+ "[^}]*status=\"200\"[^}]*type=\"Patient\"");
		assertThat(metrics).containsPattern("yilian_refusals_total\\{profile=\"-\",rule=\"yl-scope\",status=\"403\"");
		assertThat(metrics).as("a validation refusal, by profile and rule")
				.containsPattern("yilian_refusals_total\\{profile=\"yilian-[a-z-]+\",rule=\"[A-Za-z0-9_-]+\",status=\"422\"");
		assertThat(metrics).contains("yilian_tokens_total{error=\"-\",outcome=\"issued\"").contains("yilian_tokens_total{error=\"invalid_client\",outcome=\"refused\"");
		assertThat(metrics).contains("yilian_audit_outbox_pending").contains("yilian_audit_outbox_oldest_age_seconds");
		assertThat(metrics).as("the demo alliance's referrals, as they were stored").containsPattern("yilian_referrals_total\\{state=\"[a-z-]+\"");
		assertThat(metrics).containsPattern("yilian_recognition_answers_total\\{operation=\"\\$recognizable\",outcome=\"[a-z-]+\"");
	}
}
