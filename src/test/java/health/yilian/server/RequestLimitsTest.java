package health.yilian.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/**
 * One request cannot take the server down: a body over the limit (8 MB by default) is refused with 413 whether it
 * says its length or streams in chunks, as is a transaction of more entries than the limit (1,000); each with an
 * OperationOutcome, nothing stored, and the server answers the next request as before.
 */
class RequestLimitsTest extends FhirServerTestSupport {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	@Test
	void aBodyOverTheLimitIs413WhetherItsLengthIsKnownOrNot() throws Exception {
		String huge = patientWithNote("x".repeat(9 * 1024 * 1024));
		HttpResponse<String> declared = send("POST", "/fhir/Patient", huge);
		HttpResponse<String> chunked = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/Patient"))
				.header("Content-Type", "application/fhir+json; charset=UTF-8")
				.header("Authorization", "Bearer " + token(OPERATOR, OPERATOR_SECRET))
				.POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(huge.getBytes(StandardCharsets.UTF_8)))).build(),
				HttpResponse.BodyHandlers.ofString());

		for (HttpResponse<String> response : java.util.List.of(declared, chunked)) {
			assertThat(response.statusCode()).isEqualTo(413);
			assertThat(response.body()).contains("OperationOutcome").contains("yilian.limits.max-request-body");
		}
		assertThat(send("GET", "/fhir/metadata", null).statusCode()).isEqualTo(200);
	}

	@Test
	void aTransactionOfMoreEntriesThanTheLimitIsRefusedWhole() throws Exception {
		String residentId = newResidentId();
		Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		for (int i = 0; i < 1001; i++) {
			Patient patient = example("Patient-wang-xiuying", Patient.class);
			patient.getIdentifier().clear();
			patient.addIdentifier(new Identifier().setSystem(RESIDENT_ID).setValue(residentId));
			transaction.addEntry().setResource(patient).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
		}

		HttpResponse<String> response = send("POST", "/fhir", fhirContext().newJsonParser().encodeResourceToString(transaction));

		assertThat(response.statusCode()).isEqualTo(413);
		assertThat(response.body()).contains("Bundle.entry").contains("yilian.limits.max-bundle-entries");
		assertThat(fhir.search().byUrl("Patient?identifier=" + RESIDENT_ID + "|" + residentId).returnBundle(Bundle.class).execute().getEntry())
				.isEmpty();
	}

	@Test
	void aHugeOffsetOrADecimalBeyondRangeIsA4xxNamingItNotA500() throws Exception {
		HttpResponse<String> offset = send("GET", "/fhir/Patient?_offset=2147483647", null);
		assertThat(offset.statusCode()).isEqualTo(400);
		assertThat(offset.body()).contains("_offset").contains("yilian.limits.max-search-offset");

		String infinite = fhirContext().newJsonParser().encodeResourceToString(example("Observation-potassium-wang-xiuying", org.hl7.fhir.r4.model.Observation.class))
				.replaceFirst("\"value\":\\s*[0-9.]+", "\"value\":1e999");
		HttpResponse<String> decimal = send("POST", "/fhir/Observation", infinite);
		assertThat(decimal.statusCode()).as(decimal.body()).isEqualTo(422);
		assertThat(decimal.body()).contains("yl-decimal-range").contains("Observation.value");
	}

	private static String patientWithNote(String text) {
		Patient patient = example("Patient-wang-xiuying", Patient.class);
		patient.getNameFirstRep().setText(text);
		return fhirContext().newJsonParser().encodeResourceToString(patient);
	}
}
