package health.yilian.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.yilian.server.FhirServerTestSupport;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/**
 * The token service as a SMART Backend Services client meets it (the SMART spec, RFC 7523, RFC 6749): an assertion
 * is good once and for at most five minutes, a client may ask for any part of its registered scopes and is told what
 * it got, and behind a proxy every URL it is given or must address is the public one.
 */
class TokenServiceTest extends FhirServerTestSupport {

	private static final HttpClient HTTP = HttpClient.newHttpClient();
	private static final ObjectMapper JSON = new ObjectMapper();
	private static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

	@Test
	void anAssertionBuysOneTokenOnlyASecondUseOfItsJtiIsRefused() throws Exception {
		String assertion = PacsKeys.clientAssertion(audience(), UUID.randomUUID().toString(), inMinutes(4));

		assertThat(withAssertion(assertion, null).statusCode()).isEqualTo(200);
		HttpResponse<String> replayed = withAssertion(assertion, null);

		assertThat(replayed.statusCode()).isEqualTo(401);
		assertThat(JSON.readTree(replayed.body()).path("error").asText()).isEqualTo("invalid_client");
		assertThat(replayed.body()).contains("jti");
	}

	@Test
	void anAssertionValidForMoreThanFiveMinutesOrWithoutAJtiIsRefused() throws Exception {
		HttpResponse<String> tooLong = withAssertion(PacsKeys.clientAssertion(audience(), UUID.randomUUID().toString(), inMinutes(30)), null);
		assertThat(tooLong.statusCode()).isEqualTo(401);
		assertThat(tooLong.body()).contains("invalid_client").contains("five minutes");

		HttpResponse<String> noJti = withAssertion(PacsKeys.clientAssertion(audience(), null, inMinutes(4)), null);
		assertThat(noJti.statusCode()).isEqualTo(401);
		assertThat(noJti.body()).contains("jti");
	}

	@Test
	void anAssertionNamingAnotherJwksUrlThanTheRegisteredOneIsRefused() throws Exception {
		String tokenEndpoint = "http://localhost:" + port + "/oauth2/token";
		assertThat(withAssertion(PacsKeys.clientAssertionWithJku(tokenEndpoint, PacsKeys.jwksUrl()), null).statusCode()).as("its own").isEqualTo(200);

		HttpResponse<String> elsewhere = withAssertion(PacsKeys.clientAssertionWithJku(tokenEndpoint, "https://attacker.example/jwks.json"), null);

		assertThat(elsewhere.statusCode()).isEqualTo(401);
		assertThat(elsewhere.body()).contains("jku");
	}

	@Test
	void aClientMayAskForAnyPartOfItsScopesInV2OrV1FormAndIsToldWhatItGot() throws Exception {
		// deyang-lis is registered for system/Patient.cruds, system/Observation.cruds, ...
		for (String asked : List.of("system/Patient.rs", "system/Patient.r", "system/Patient.read", "system/Patient.rs system/Observation.read",
				"system/Patient.cruds")) {
			HttpResponse<String> response = withSecret("deyang-lis", "deyang-lis-demo-secret", asked);
			assertThat(response.statusCode()).as(asked + ": " + response.body()).isEqualTo(200);
			assertThat(List.of(JSON.readTree(response.body()).path("scope").asText().split(" "))).as(asked)
					.containsExactlyInAnyOrder(asked.split(" "));
		}

		HttpResponse<String> all = withSecret("deyang-lis", "deyang-lis-demo-secret", null);
		assertThat(JSON.readTree(all.body()).path("scope").asText()).as("no scope asked: all it is registered for")
				.contains("system/Patient.cruds").contains("system/DiagnosticReport.cruds");
	}

	@Test
	void aScopeBeyondTheRegisteredOnesOrNotASmartScopeIsInvalidScopeNamingIt() throws Exception {
		for (String asked : List.of("system/ServiceRequest.r", "system/*.rs", "system/Patient.sr", "system/Patient.rr", "patient/Patient.rs",
				"system/Patient.cruds system/Task.c", "openid")) {
			HttpResponse<String> response = withSecret("deyang-lis", "deyang-lis-demo-secret", asked);
			assertThat(response.statusCode()).as(asked).isEqualTo(400);
			JsonNode error = JSON.readTree(response.body());
			assertThat(error.path("error").asText()).as(asked).isEqualTo("invalid_scope");
			assertThat(error.path("error_description").asText()).as(asked).contains("deyang-lis");
		}
	}

	@Test
	void aTokenOfFewerScopesDoesOnlyWhatThoseAllow() throws Exception {
		String token = JSON.readTree(withSecret("deyang-lis", "deyang-lis-demo-secret", "system/Patient.rs").body()).path("access_token").asText();
		Patient patient = example("Patient-wang-xiuying", Patient.class);
		patient.getIdentifier().clear();
		patient.addIdentifier().setSystem(RESIDENT_ID).setValue(newResidentId());

		HttpResponse<String> write = send("POST", "/fhir/Patient", fhirContext().newJsonParser().encodeResourceToString(patient),
				"Authorization", "Bearer " + token);

		assertThat(write.statusCode()).isEqualTo(403);
		assertThat(write.body()).contains("yl-scope");
		assertThat(send("GET", "/fhir/Patient?identifier=" + RESIDENT_ID + "%7C" + newResidentId(), null, "Authorization", "Bearer " + token)
				.statusCode()).isEqualTo(200);
	}

	@Test
	void discoveryListsTheScopesTheServerGrants() throws Exception {
		JsonNode smart = JSON.readTree(send("GET", "/fhir/.well-known/smart-configuration", null).body());
		assertThat(smart.path("scopes_supported").toString()).contains("system/Patient.rs").contains("system/DiagnosticReport.cruds")
				.contains("system/*.read");
	}

	/** A proxy in front (TLS ended there): discovery, the CapabilityStatement and the accepted audience are the public URL. */
	@Test
	void behindAProxyEveryUrlAClientIsGivenOrMustAddressIsThePublicOne() throws Exception {
		String[] proxy = {"X-Forwarded-Proto", "https", "X-Forwarded-Host", "fhir.example.cn", "X-Forwarded-Port", "443"};
		JsonNode smart = JSON.readTree(HTTP.send(request("/fhir/.well-known/smart-configuration", proxy).GET().build(),
				HttpResponse.BodyHandlers.ofString()).body());
		assertThat(smart.path("token_endpoint").asText()).isEqualTo("https://fhir.example.cn/oauth2/token");
		assertThat(smart.path("issuer").asText()).isEqualTo("https://fhir.example.cn");

		// HAPI keeps a CapabilityStatement a minute; no-cache has it made for this request (set yilian.base-url in production).
		String metadata = HTTP.send(request("/fhir/metadata?_format=json", proxy).header("Cache-Control", "no-cache").GET().build(),
				HttpResponse.BodyHandlers.ofString()).body();
		CapabilityStatement capability = fhirContext().newJsonParser().parseResource(CapabilityStatement.class, metadata);
		assertThat(capability.getRestFirstRep().getSecurity().getExtensionFirstRep().getExtensionString("token"))
				.isEqualTo("https://fhir.example.cn/oauth2/token");

		String assertion = PacsKeys.clientAssertion(List.of("https://fhir.example.cn/oauth2/token"), UUID.randomUUID().toString(), inMinutes(4));
		HttpResponse<String> token = HTTP.send(request("/oauth2/token", proxy).header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString(assertionForm(assertion, null))).build(), HttpResponse.BodyHandlers.ofString());
		assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
	}

	private HttpRequest.Builder request(String path, String... headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
		return headers.length == 0 ? request : request.headers(headers);
	}

	private List<String> audience() {
		return List.of("http://localhost:" + port + "/oauth2/token");
	}

	private static Date inMinutes(int minutes) {
		return new Date(System.currentTimeMillis() + minutes * 60_000L);
	}

	private HttpResponse<String> withAssertion(String assertion, String scope) throws Exception {
		return HTTP.send(request("/oauth2/token").header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString(assertionForm(assertion, scope))).build(), HttpResponse.BodyHandlers.ofString());
	}

	private static String assertionForm(String assertion, String scope) {
		return "grant_type=client_credentials" + (scope == null ? "" : "&scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8))
				+ "&client_assertion_type=" + URLEncoder.encode(JWT_BEARER, StandardCharsets.UTF_8) + "&client_assertion=" + assertion;
	}

	private HttpResponse<String> withSecret(String client, String secret, String scope) throws Exception {
		return HTTP.send(request("/oauth2/token").header("Content-Type", "application/x-www-form-urlencoded")
				.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((client + ":" + secret).getBytes(StandardCharsets.UTF_8)))
				.POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"
						+ (scope == null ? "" : "&scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8)))).build(), HttpResponse.BodyHandlers.ofString());
	}
}
