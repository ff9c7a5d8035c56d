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
import java.util.List;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;

/**
 * The operator adds, changes and disables a member system while the server runs (RFC 7591 and 7592 at
 * /oauth2/register): it gets tokens at once, its scopes follow a change, and once disabled its tokens stop working
 * at once; nobody but the operator registers; each change is in the audit trail.
 */
class ClientRegistrationTest extends FhirServerTestSupport {

	private static final HttpClient HTTP = HttpClient.newHttpClient();
	private static final ObjectMapper JSON = new ObjectMapper();

	@Test
	void aClientRegisteredAtRunTimeGetsTokensFollowsItsChangesAndStopsAtOnceWhenDisabled() throws Exception {
		String operator = token(OPERATOR, OPERATOR_SECRET);
		String clientId = unique("second-pacs-");
		String since = java.time.format.DateTimeFormatter.ISO_INSTANT.format(java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
		String metadata = "{\"client_id\":\"" + clientId + "\",\"token_endpoint_auth_method\":\"client_secret_basic\",\"grant_types\":[\"client_credentials\"],"
				+ "\"scope\":\"system/Patient.rs system/Organization.rs\",\"organization\":\"Organization/deyang-second-peoples-hospital\"}";

		HttpResponse<String> registered = call("POST", "/oauth2/register", metadata, operator);
		assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
		JsonNode answer = JSON.readTree(registered.body());
		assertThat(answer.path("client_id").asText()).isEqualTo(clientId);
		String secret = answer.path("client_secret").asText();
		assertThat(secret).hasSizeGreaterThan(30);
		String token = tokenFor(clientId, secret, null);
		assertThat(call("GET", "/fhir/Organization?_count=1", null, token).statusCode()).isEqualTo(200);
		assertThat(tokenResponse(clientId, secret, "system/Observation.rs").statusCode()).as("not yet its scope").isEqualTo(400);

		HttpResponse<String> changed = call("PUT", "/oauth2/register/" + clientId, metadata.replace("system/Organization.rs", "system/Organization.rs system/Observation.rs"), operator);
		assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
		assertThat(tokenResponse(clientId, secret, "system/Observation.rs").statusCode()).as("its scope now").isEqualTo(200);

		assertThat(call("DELETE", "/oauth2/register/" + clientId, null, operator).statusCode()).isEqualTo(204);
		HttpResponse<String> afterwards = call("GET", "/fhir/Organization?_count=1", null, token);
		assertThat(afterwards.statusCode()).as("a token it holds, at once").isEqualTo(401);
		assertThat(tokenResponse(clientId, secret, null).statusCode()).as("a new token").isEqualTo(401);
		assertThat(JSON.readTree(call("GET", "/oauth2/register/" + clientId, null, operator).body()).path("yilian_enabled").asBoolean()).isFalse();

		List<AuditEvent> trail = fhir.search().byUrl("AuditEvent?_lastUpdated=ge" + since + "&_count=500").returnBundle(Bundle.class).execute()
				.getEntry().stream().map(e -> (AuditEvent) e.getResource()).filter(e -> String.valueOf(e.getEntityFirstRep().getDescription()).contains(clientId)).toList();
		assertThat(trail).extracting(e -> e.getEntityFirstRep().getDescription().split(" ")[0]).contains("POST", "PUT", "DELETE");
		assertThat(trail).allSatisfy(e -> assertThat(e.getAgentFirstRep().getWho().getIdentifier().getValue()).isEqualTo(OPERATOR));
	}

	@Test
	void aClientWithItsOwnKeysIsRegisteredToo() throws Exception {
		String clientId = unique("second-ris-");
		HttpResponse<String> registered = call("POST", "/oauth2/register", "{\"client_id\":\"" + clientId + "\",\"jwks_uri\":\"" + PacsKeys.jwksUrl()
				+ "\",\"token_endpoint_auth_method\":\"private_key_jwt\",\"token_endpoint_auth_signing_alg\":\"RS384\",\"scope\":\"system/DiagnosticReport.rs\","
				+ "\"organization\":\"Organization/deyang-second-peoples-hospital\"}", token(OPERATOR, OPERATOR_SECRET));
		assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
		assertThat(JSON.readTree(registered.body()).has("client_secret")).isFalse();

		String tokenEndpoint = "http://localhost:" + port + "/oauth2/token";
		HttpResponse<String> token = HTTP.send(HttpRequest.newBuilder(URI.create(tokenEndpoint)).header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_assertion_type="
						+ URLEncoder.encode("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", StandardCharsets.UTF_8)
						+ "&client_assertion=" + PacsKeys.clientAssertionAs(clientId, tokenEndpoint))).build(), HttpResponse.BodyHandlers.ofString());
		assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
		assertThat(JSON.readTree(token.body()).path("scope").asText()).isEqualTo("system/DiagnosticReport.rs");
	}

	@Test
	void onlyTheOperatorRegistersAndBadMetadataOrAConfiguredClientAreRefusedNamingWhy() throws Exception {
		String metadata = "{\"token_endpoint_auth_method\":\"client_secret_basic\",\"scope\":\"system/Patient.rs\",\"organization\":\"Organization/deyang-peoples-hospital\"}";
		HttpResponse<String> hospital = call("POST", "/oauth2/register", metadata, token("deyang-his", "deyang-his-demo-secret"));
		assertThat(hospital.statusCode()).isEqualTo(403);
		assertThat(hospital.body()).contains("yl-client-registry");
		assertThat(call("POST", "/oauth2/register", metadata, token("commission-auditor", "auditor-demo-secret")).statusCode()).isEqualTo(403);
		assertThat(call("GET", "/oauth2/register", null, null).statusCode()).isEqualTo(401);

		String operator = token(OPERATOR, OPERATOR_SECRET);
		for (String bad : List.of(metadata.replace("system/Patient.rs", "patient/Patient.rs"), metadata.replace(",\"organization\":\"Organization/deyang-peoples-hospital\"", ""),
				metadata.replace("client_secret_basic", "none"), "{\"token_endpoint_auth_method\":\"private_key_jwt\",\"scope\":\"system/Patient.rs\",\"organization\":\"Organization/x\","
						+ "\"jwks_uri\":\"http://his.example.cn/jwks\"}", "[]")) {
			HttpResponse<String> refused = call("POST", "/oauth2/register", bad, operator);
			assertThat(refused.statusCode()).as(bad).isEqualTo(400);
			assertThat(JSON.readTree(refused.body()).path("error").asText()).as(bad).isEqualTo("invalid_client_metadata");
		}
		HttpResponse<String> configured = call("PUT", "/oauth2/register/deyang-lis", metadata, operator);
		assertThat(configured.statusCode()).isEqualTo(409);
		assertThat(configured.body()).contains("yilian.security.clients");
		assertThat(call("DELETE", "/oauth2/register/deyang-lis", null, operator).statusCode()).isEqualTo(409);
		assertThat(call("GET", "/oauth2/register/no-such-client", null, operator).statusCode()).isEqualTo(404);
	}

	private HttpResponse<String> call(String method, String path, String body, String bearer) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
				.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
		if (body != null) {
			request.header("Content-Type", "application/json");
		}
		if (bearer != null) {
			request.header("Authorization", "Bearer " + bearer);
		}
		return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> tokenResponse(String client, String secret, String scope) throws Exception {
		return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/oauth2/token"))
				.header("Content-Type", "application/x-www-form-urlencoded")
				.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((client + ":" + secret).getBytes(StandardCharsets.UTF_8)))
				.POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials" + (scope == null ? "" : "&scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8))))
				.build(), HttpResponse.BodyHandlers.ofString());
	}

	private String tokenFor(String client, String secret, String scope) throws Exception {
		HttpResponse<String> response = tokenResponse(client, secret, scope);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return JSON.readTree(response.body()).path("access_token").asText();
	}
}
