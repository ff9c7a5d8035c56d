package health.yilian.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/**
 * A body is stored as the text it is, or refused: bytes invalid in the declared character set (a GB18030 HIS that
 * labels its text UTF-8), a JSON key given twice, a string longer than the limit. Each answer names where, and nothing
 * is stored; the same text correctly labelled is stored and reads back as sent.
 */
class RequestDecodingTest extends FhirServerTestSupport {

	private static final HttpClient HTTP = HttpClient.newHttpClient();
	private static final Charset GB18030 = Charset.forName("GB18030");

	@Test
	void gb18030TextLabelledUtf8IsRefusedNamingTheByteAndLabelledGb18030IsStoredAsSent() throws Exception {
		String mrn = unique("GB-");
		String body = patient(mrn, "王秀英");

		HttpResponse<String> mislabelled = post(body.getBytes(GB18030), "application/fhir+json; charset=UTF-8");
		assertThat(mislabelled.statusCode()).as(mislabelled.body()).isEqualTo(400);
		assertThat(mislabelled.body()).contains("OperationOutcome").contains("not valid UTF-8").contains("byte ").contains("GB18030");
		assertThat(withMrn(mrn)).isEmpty();

		HttpResponse<String> labelled = post(body.getBytes(GB18030), "application/fhir+json; charset=GB18030");
		assertThat(labelled.statusCode()).as(labelled.body()).isEqualTo(201);
		assertThat(withMrn(mrn)).extracting(p -> p.getNameFirstRep().getText()).containsExactly("王秀英");
	}

	@Test
	void invalidUtf8IsRefusedInJsonAndInXml() throws Exception {
		byte[] json = patient(unique("BAD-"), "王秀英").replace("王秀英", "王\u0000").getBytes(StandardCharsets.UTF_8);
		json[indexOf(json, (byte) 0)] = (byte) 0xC3; // a lead byte followed by a quote: no valid UTF-8 sequence
		HttpResponse<String> badJson = post(json, "application/fhir+json");
		assertThat(badJson.statusCode()).as(badJson.body()).isEqualTo(400);
		assertThat(badJson.body()).contains("not valid UTF-8");

		byte[] xml = ("<Patient xmlns=\"http://hl7.org/fhir\"><name><text value=\"王").getBytes(StandardCharsets.UTF_8);
		byte[] bad = java.util.Arrays.copyOf(xml, xml.length + 6);
		System.arraycopy(new byte[] {(byte) 0xFF}, 0, bad, xml.length, 1);
		System.arraycopy("\"/>".getBytes(StandardCharsets.UTF_8), 0, bad, xml.length + 1, 3);
		HttpResponse<String> badXml = post(java.util.Arrays.copyOf(bad, xml.length + 4), "application/fhir+xml");
		assertThat(badXml.statusCode()).as(badXml.body()).isEqualTo(400);
		assertThat(badXml.body()).contains("not valid UTF-8");
	}

	@Test
	void aKeyGivenTwiceIsRefusedNamingIt() throws Exception {
		String mrn = unique("DUP-");
		String body = patient(mrn, "王秀英").replaceFirst("\\{", "{\"gender\":\"male\",\"gender\":\"female\",");
		HttpResponse<String> response = post(body.getBytes(StandardCharsets.UTF_8), "application/fhir+json");
		assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
		assertThat(response.body()).contains("'gender'").contains("line 1");
		assertThat(withMrn(mrn)).isEmpty();
	}

	@Test
	void aStringEscapedIntoHalfACharacterIsRefusedNamingIt() throws Exception {
		String mrn = unique("HALF-");
		String body = patient(mrn, "王秀英").replace("王秀英", "王\\ud800英");
		HttpResponse<String> response = post(body.getBytes(StandardCharsets.UTF_8), "application/fhir+json");
		assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
		assertThat(response.body()).contains("/name/0/text").contains("unpaired surrogate");
		assertThat(withMrn(mrn)).isEmpty();
	}

	@Test
	void aStringLongerThanTheLimitIs413NamingTheElementWhileAttachmentDataMayBeLonger() throws Exception {
		String mrn = unique("LONG-");
		String body = patient(mrn, "王".repeat(1_048_577));
		HttpResponse<String> response = post(body.getBytes(StandardCharsets.UTF_8), "application/fhir+json");
		assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
		assertThat(response.body()).contains("/name/0/text").contains("yilian.limits.max-string-length");
		assertThat(withMrn(mrn)).isEmpty();

		Patient withPhoto = fhirContext().newJsonParser().parseResource(Patient.class, patient(unique("PHOTO-"), "王秀英"));
		withPhoto.addPhoto().setContentType("image/jpeg").setData(new byte[1_200_000]);
		HttpResponse<String> photo = post(fhirContext().newJsonParser().encodeResourceToString(withPhoto).getBytes(StandardCharsets.UTF_8),
				"application/fhir+json");
		assertThat(photo.statusCode()).as(photo.body()).isEqualTo(201);
	}

	private String patient(String mrn, String name) {
		Patient patient = example("Patient-wang-xiuying", Patient.class);
		patient.setId((String) null);
		patient.getIdentifier().forEach(i -> i.setValue(i.getSystem().equals(RESIDENT_ID) ? newResidentId() : mrn));
		patient.getNameFirstRep().setText(name);
		return fhirContext().newJsonParser().encodeResourceToString(patient);
	}

	private java.util.List<Patient> withMrn(String mrn) {
		return fhir.search().byUrl("Patient?identifier=" + mrn).returnBundle(Bundle.class).execute().getEntry().stream()
				.map(e -> (Patient) e.getResource()).toList();
	}

	private HttpResponse<String> post(byte[] body, String contentType) throws Exception {
		return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/Patient"))
				.header("Content-Type", contentType)
				.header("Authorization", "Bearer " + token(OPERATOR, OPERATOR_SECRET))
				.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
	}

	private static int indexOf(byte[] bytes, byte b) {
		for (int i = 0; i < bytes.length; i++) {
			if (bytes[i] == b) {
				return i;
			}
		}
		return -1;
	}
}
