package health.yilian.server;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Boots the real server once for the whole suite (every test class extends this, so Spring reuses one
 * context) on a random port, against the database the build names (H2 by default, PostgreSQL with
 * {@code -Ppostgres}), and hands each test HAPI's generic client.
 *
 * <p>The PostgreSQL test database may outlive a run, so tests never assume it is empty: each makes its own
 * records with identifiers unique to the run and searches within them.
 */
@SpringBootTest(classes = YilianServerApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@org.springframework.context.annotation.Import(TestClock.Config.class)
public abstract class FhirServerTestSupport {

	public static final String SID = "https://yilian.health/fhir/sid/";
	public static final String RESIDENT_ID = SID + "resident-id";

	private static final FhirContext FHIR = FhirContext.forR4Cached();
	private static final HttpClient HTTP = HttpClient.newHttpClient();

	@LocalServerPort
	protected int port;

	protected IGenericClient fhir;

	@org.springframework.beans.factory.annotation.Autowired
	protected TestClock clock;

	@DynamicPropertySource
	static void freshIndexPerRun(DynamicPropertyRegistry registry) throws IOException {
		Path dataDir = Files.createTempDirectory("yilian-test-");
		registry.add("yilian.data-dir", dataDir::toString);
		// A PACS that authenticates with its own key (private_key_jwt), beside the demo's shared-secret clients.
		registry.add("yilian.security.clients." + health.yilian.security.PacsKeys.CLIENT_ID + ".jwks-url", health.yilian.security.PacsKeys::jwksUrl);
		registry.add("yilian.security.clients." + health.yilian.security.PacsKeys.CLIENT_ID + ".organization", () -> "Organization/deyang-peoples-hospital");
		registry.add("yilian.security.clients." + health.yilian.security.PacsKeys.CLIENT_ID + ".scopes", () -> "system/DiagnosticReport.cruds,system/Patient.cruds");
		registry.add("yilian.security.clients." + health.yilian.security.PacsKeys.EC_CLIENT_ID + ".jwks-url", health.yilian.security.PacsKeys::jwksUrl);
		registry.add("yilian.security.clients." + health.yilian.security.PacsKeys.EC_CLIENT_ID + ".signing-algorithm", () -> "ES384");
		registry.add("yilian.security.clients." + health.yilian.security.PacsKeys.EC_CLIENT_ID + ".organization", () -> "Organization/deyang-peoples-hospital");
		registry.add("yilian.security.clients." + health.yilian.security.PacsKeys.EC_CLIENT_ID + ".scopes", () -> "system/DiagnosticReport.cruds");
	}

	/** The demo operator: bound to no organisation, so scenario tests can act for any hospital. */
	protected static final String OPERATOR = "yilian-operator";
	protected static final String OPERATOR_SECRET = "operator-demo-secret";

	@BeforeEach
	void connectClient() throws IOException, InterruptedException {
		clock.reset();
		fhir = clientFor(OPERATOR, OPERATOR_SECRET);
	}

	/** HAPI's generic client carrying a bearer token of the given demo client. */
	protected IGenericClient clientFor(String clientId, String secret) throws IOException, InterruptedException {
		FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
		IGenericClient client = FHIR.newRestfulGenericClient(baseUrl());
		client.registerInterceptor(new ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor(token(clientId, secret)));
		return client;
	}

	/** A token from the embedded issuer by client_secret_basic, as a demo client's curl would get it. */
	protected String token(String clientId, String secret) throws IOException, InterruptedException {
		return token(clientId, secret, null);
	}

	/** A token asking for fewer scopes than the client is registered with (null: all of them). */
	protected String token(String clientId, String secret, String scope) throws IOException, InterruptedException {
		String form = "grant_type=client_credentials" + (scope == null ? "" : "&scope=" + java.net.URLEncoder.encode(scope, java.nio.charset.StandardCharsets.UTF_8));
		HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/oauth2/token"))
				.header("Content-Type", "application/x-www-form-urlencoded")
				.header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(java.nio.charset.StandardCharsets.UTF_8)))
				.POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != 200) {
			throw new IllegalStateException("no token for " + clientId + ": HTTP " + response.statusCode() + " " + response.body());
		}
		return new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body()).get("access_token").asText();
	}

	protected String baseUrl() {
		return "http://localhost:" + port + "/fhir";
	}

	protected static FhirContext fhirContext() {
		return FHIR;
	}

	/** A value no earlier run has used, for identifiers that must not collide in a shared database. */
	protected static String unique(String prefix) {
		return prefix + UUID.randomUUID().toString().substring(0, 8);
	}

	/**
	 * A well-formed resident ID (居民身份证号: region, birth date, serial, GB 11643 check digit) that no earlier run
	 * is likely to have used.
	 */
	public static String newResidentId() {
		java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
		String body = "510603" + java.time.LocalDate.of(1940, 1, 1).plusDays(random.nextInt(30000))
				.format(java.time.format.DateTimeFormatter.BASIC_ISO_DATE) + String.format("%03d", random.nextInt(1000));
		int[] weights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
		int sum = 0;
		for (int i = 0; i < 17; i++) {
			sum += (body.charAt(i) - '0') * weights[i];
		}
		return body + "10X98765432".charAt(sum % 11);
	}

	/** One of the guide's examples (ig/examples) as a new resource: no id, ready to create. */
	public static <T extends org.hl7.fhir.r4.model.Resource> T example(String name, Class<T> type) {
		try (java.io.InputStream in = FhirServerTestSupport.class.getResourceAsStream("/yilian-guide/examples/" + name + ".json")) {
			T resource = type.cast(FHIR.newJsonParser().parseResource(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)));
			resource.setId((String) null);
			return resource;
		} catch (IOException e) {
			throw new IllegalStateException(name, e);
		}
	}

	/** Raw HTTP for what HAPI's client will not send (malformed bodies, hand-set headers). */
	protected HttpResponse<String> send(String method, String path, String body, String... headers)
			throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
				.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
		if (body != null && !names(headers, "Content-Type")) {
			request.header("Content-Type", "application/fhir+json; charset=UTF-8");
		}
		if (headers.length > 0) {
			request.headers(headers);
		}
		if (!names(headers, "Authorization")) {
			request.header("Authorization", "Bearer " + token(OPERATOR, OPERATOR_SECRET));
		}
		return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	/** Whether name/value pairs set the header {@code name} (the test's own, which then replaces the default). */
	private static boolean names(String[] headers, String name) {
		return java.util.Arrays.stream(headers).anyMatch(name::equalsIgnoreCase);
	}
}
