package health.yilian.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import health.yilian.audit.AuditLog;
import health.yilian.audit.InteractionEvent;
import jakarta.servlet.http.HttpServletRequest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The operator registers, changes and disables member systems at run time: OAuth 2.0 Dynamic Client Registration
 * (RFC 7591, {@code POST /oauth2/register}) and its management protocol (RFC 7592, {@code GET}, {@code PUT}, {@code
 * DELETE /oauth2/register/{client_id}}), with the operator's bearer token ({@link AccessPolicy#mayManageClients}).
 * The client metadata are RFC 7591's ({@code jwks_uri}, {@code token_endpoint_auth_method}, {@code
 * token_endpoint_auth_signing_alg}, {@code scope}, {@code grant_types}) and the alliance's ({@code organization},
 * {@code yilian_role}, {@code subscription_endpoints}, {@code qc_items}); a {@code client_secret_basic} client gets a
 * secret made here, shown once. {@code DELETE} disables: the client gets no token, and its tokens stop working at once.
 * Clients of the configuration file are changed there, not here. Every change, and every refusal, is audited.
 */
@RestController
@ConditionalOnProperty(name = "yilian.security.issuer-uri", havingValue = "", matchIfMissing = true)
public class ClientRegistration {

	static final String PATH = "/oauth2/register";
	static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
	private static final SecureRandom RANDOM = new SecureRandom();

	private final ClientRegistry registry;
	private final AccessPolicy policy;
	private final AuditLog audit;
	private final Clock clock;
	private final ObjectMapper json = new ObjectMapper();

	public ClientRegistration(ClientRegistry registry, AccessPolicy policy, AuditLog audit, Clock clock) {
		this.registry = registry;
		this.policy = policy;
		this.audit = audit;
		this.clock = clock;
	}

	@PostMapping(path = PATH, produces = MediaType.APPLICATION_JSON_VALUE)
	public ResponseEntity<JsonNode> register(@RequestBody(required = false) JsonNode metadata, HttpServletRequest request) {
		String clientId = metadata != null && metadata.hasNonNull("client_id") ? metadata.get("client_id").asText() : "client-" + UUID.randomUUID();
		return answer(request, Optional.of(clientId), () -> {
			if (!CLIENT_ID.matcher(clientId).matches()) {
				throw new Refusal(HttpStatus.BAD_REQUEST, "invalid_client_metadata", "client_id: '" + clientId + "' is not 1 to 100 letters, digits, '.', '_' or '-'");
			}
			Made made = client(clientId, metadata);
			if (!registry.register(clientId, made.client())) {
				throw new Refusal(HttpStatus.BAD_REQUEST, "invalid_client_metadata", "client_id: " + clientId + " is already registered");
			}
			return ResponseEntity.status(HttpStatus.CREATED).body(describe(registry.entry(clientId).orElseThrow(), made.secret()));
		});
	}

	@GetMapping(path = PATH + "/{clientId}", produces = MediaType.APPLICATION_JSON_VALUE)
	public ResponseEntity<JsonNode> read(@PathVariable String clientId, HttpServletRequest request) {
		return answer(request, Optional.of(clientId), () -> ResponseEntity.ok(describe(existing(clientId), null)));
	}

	@GetMapping(path = PATH, produces = MediaType.APPLICATION_JSON_VALUE)
	public ResponseEntity<JsonNode> list(HttpServletRequest request) {
		return answer(request, Optional.empty(), () -> {
			List<JsonNode> clients = new ArrayList<>();
			registry.all().forEach(e -> clients.add(describe(e, null)));
			return ResponseEntity.ok(json.valueToTree(clients));
		});
	}

	@PutMapping(path = PATH + "/{clientId}", produces = MediaType.APPLICATION_JSON_VALUE)
	public ResponseEntity<JsonNode> replace(@PathVariable String clientId, @RequestBody(required = false) JsonNode metadata, HttpServletRequest request) {
		return answer(request, Optional.of(clientId), () -> {
			ClientRegistry.Entry before = existing(clientId);
			changeable(before);
			Made made = client(clientId, metadata);
			if (made.secret() != null && before.client().secret() != null) {
				// The secret stays: changing what a client may do must not make its hospital install a new one.
				SecurityProperties.Client c = made.client();
				made = new Made(new SecurityProperties.Client(before.client().secret(), c.jwksUrl(), c.signingAlgorithm(), c.organization(), c.role(),
						c.scopes(), c.subscriptionEndpoints(), c.qcItems()), null);
			}
			registry.replace(clientId, made.client());
			return ResponseEntity.ok(describe(registry.entry(clientId).orElseThrow(), made.secret()));
		});
	}

	@DeleteMapping(path = PATH + "/{clientId}")
	public ResponseEntity<JsonNode> disable(@PathVariable String clientId, HttpServletRequest request) {
		return answer(request, Optional.of(clientId), () -> {
			changeable(existing(clientId));
			registry.disable(clientId);
			return ResponseEntity.noContent().build();
		});
	}

	private ClientRegistry.Entry existing(String clientId) {
		return registry.entry(clientId).orElseThrow(() -> new Refusal(HttpStatus.NOT_FOUND, "invalid_client_id", "no client " + clientId));
	}

	private static void changeable(ClientRegistry.Entry entry) {
		if (ClientRegistry.CONFIGURATION.equals(entry.source())) {
			throw new Refusal(HttpStatus.CONFLICT, "invalid_client_id", entry.clientId() + " is declared in yilian.security.clients (the configuration);"
					+ " change it there and restart");
		}
	}

	private record Made(SecurityProperties.Client client, String secret) {}

	/** The client RFC 7591 metadata describe, checked as a configured one is; a secret made when it authenticates by one. */
	private Made client(String clientId, JsonNode metadata) {
		if (metadata == null || !metadata.isObject()) {
			throw new Refusal(HttpStatus.BAD_REQUEST, "invalid_client_metadata", "the body is not a JSON object of client metadata (RFC 7591)");
		}
		String method = text(metadata, "token_endpoint_auth_method", "private_key_jwt");
		JsonNode grants = metadata.path("grant_types");
		if (!grants.isMissingNode() && !(grants.isArray() && grants.size() == 1 && "client_credentials".equals(grants.get(0).asText()))) {
			throw new Refusal(HttpStatus.BAD_REQUEST, "invalid_client_metadata", "grant_types: only [\"client_credentials\"] (SMART Backend Services)");
		}
		String secret = null;
		String jwks = null;
		switch (method) {
			case "private_key_jwt" -> jwks = text(metadata, "jwks_uri", null);
			case "client_secret_basic" -> secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes());
			default -> throw new Refusal(HttpStatus.BAD_REQUEST, "invalid_client_metadata", "token_endpoint_auth_method: '" + method
					+ "' is not private_key_jwt or client_secret_basic");
		}
		if ("private_key_jwt".equals(method) && !secureOrLoopback(jwks)) {
			throw new Refusal(HttpStatus.BAD_REQUEST, "invalid_client_metadata", "jwks_uri: a private_key_jwt client publishes its keys at an https URL");
		}
		for (String endpoint : strings(metadata, "subscription_endpoints")) {
			// A prefix: without its closing slash, https://his.example.cn would also admit https://his.example.cn.evil.com.
			if (!secureOrLoopback(endpoint) || !endpoint.endsWith("/")) {
				throw new Refusal(HttpStatus.BAD_REQUEST, "invalid_client_metadata", "subscription_endpoints: '" + endpoint
						+ "' is not an https URL prefix ending in '/', e.g. https://his.example.cn/fhir-notify/");
			}
		}
		SecurityProperties.Role role;
		try {
			role = SecurityProperties.Role.valueOf(text(metadata, "yilian_role", "system").toUpperCase(Locale.ROOT).replace('-', '_'));
		} catch (IllegalArgumentException e) {
			throw new Refusal(HttpStatus.BAD_REQUEST, "invalid_client_metadata", "yilian_role: one of system, qc-centre, auditor, operator");
		}
		String organization = text(metadata, "organization", null);
		if (role != SecurityProperties.Role.OPERATOR && role != SecurityProperties.Role.AUDITOR && (organization == null || !organization.startsWith("Organization/"))) {
			throw new Refusal(HttpStatus.BAD_REQUEST, "invalid_client_metadata", "organization: a " + role.name().toLowerCase(Locale.ROOT)
					+ " client acts for one organisation, Organization/{id}");
		}
		List<String> scopes = List.of(text(metadata, "scope", "").trim().split("\\s+")).stream().filter(s -> !s.isBlank()).toList();
		for (String scope : scopes) {
			if (!SmartScopes.within(scope, java.util.Set.of("system/*.cruds"))) {
				throw new Refusal(HttpStatus.BAD_REQUEST, "invalid_client_metadata", "scope: '" + scope + "' is not a SMART system scope, e.g. system/Patient.cruds");
			}
		}
		SecurityProperties.Client client = new SecurityProperties.Client(secret == null ? null : PasswordEncoderFactories.createDelegatingPasswordEncoder().encode(secret),
				jwks, text(metadata, "token_endpoint_auth_signing_alg", "RS384"), organization, role, scopes, strings(metadata, "subscription_endpoints"),
				strings(metadata, "qc_items"));
		try {
			ClientRegistry.check(clientId, client);
		} catch (IllegalArgumentException e) {
			throw new Refusal(HttpStatus.BAD_REQUEST, "invalid_client_metadata", e.getMessage());
		}
		return new Made(client, secret);
	}

	/** https, or this machine itself (a client's key server beside the server, as in tests); never plain http across a network. */
	private static boolean secureOrLoopback(String url) {
		if (url == null) {
			return false;
		}
		try {
			java.net.URI uri = new java.net.URI(url);
			String host = uri.getHost();
			return uri.getRawUserInfo() == null && host != null && ("https".equals(uri.getScheme())
					|| "http".equals(uri.getScheme()) && (host.equals("127.0.0.1") || host.equals("localhost")));
		} catch (java.net.URISyntaxException e) {
			return false;
		}
	}

	private static byte[] bytes() {
		byte[] secret = new byte[32];
		RANDOM.nextBytes(secret);
		return secret;
	}

	private static String text(JsonNode metadata, String name, String absent) {
		JsonNode value = metadata.get(name);
		return value == null || value.isNull() ? absent : value.asText();
	}

	private static List<String> strings(JsonNode metadata, String name) {
		List<String> values = new ArrayList<>();
		metadata.path(name).forEach(v -> values.add(v.asText()));
		return values;
	}

	/** The client as RFC 7591 answers it, and whether it is enabled; the secret only when just made. */
	private ObjectNode describe(ClientRegistry.Entry entry, String secret) {
		SecurityProperties.Client client = entry.client();
		ObjectNode answer = json.createObjectNode().put("client_id", entry.clientId());
		if (secret != null) {
			answer.put("client_secret", secret).put("client_secret_expires_at", 0);
		}
		answer.put("token_endpoint_auth_method", client.jwksUrl() != null ? "private_key_jwt" : "client_secret_basic");
		if (client.jwksUrl() != null) {
			answer.put("jwks_uri", client.jwksUrl()).put("token_endpoint_auth_signing_alg", client.signingAlgorithm());
		}
		answer.putArray("grant_types").add("client_credentials");
		answer.put("scope", String.join(" ", client.scopes()));
		if (client.organization() != null) {
			answer.put("organization", client.organization());
		}
		answer.put("yilian_role", client.role().name().toLowerCase(Locale.ROOT).replace('_', '-'));
		client.subscriptionEndpoints().forEach(answer.withArray("subscription_endpoints")::add);
		client.qcItems().forEach(answer.withArray("qc_items")::add);
		answer.put("yilian_source", entry.source()).put("yilian_enabled", entry.enabled()).put("yilian_updated", entry.updated().toString());
		return answer;
	}

	/** A refusal as RFC 7591 answers it: {@code error} and {@code error_description}. */
	static final class Refusal extends RuntimeException {
		private final HttpStatus status;
		private final String error;

		Refusal(HttpStatus status, String error, String description) {
			super(description);
			this.status = status;
			this.error = error;
		}
	}

	/** Asks the policy, answers, and audits what was done or refused, naming the operator and the client. */
	private ResponseEntity<JsonNode> answer(HttpServletRequest request, Optional<String> clientId, java.util.function.Supplier<ResponseEntity<JsonNode>> action) {
		Optional<Caller> caller = Caller.of(request);
		ResponseEntity<JsonNode> response;
		String why = null;
		if (caller.isEmpty() || !policy.mayManageClients(caller.get())) {
			why = "yl-client-registry: only the operator registers, changes and disables clients";
			response = ResponseEntity.status(HttpStatus.FORBIDDEN).body(error("access_denied", why));
		} else {
			try {
				response = action.get();
			} catch (Refusal refusal) {
				why = refusal.error + ": " + refusal.getMessage();
				response = ResponseEntity.status(refusal.status).body(error(refusal.error, refusal.getMessage()));
			}
		}
		String what = request.getRequestURI() + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
		audit.recordOnItsOwn(InteractionEvent.of(request.getMethod(), what + clientId.map(c -> " (client " + c + ")").orElse(""), Optional.empty(),
				response.getStatusCode().value(), why, caller, clock));
		return response;
	}

	private ObjectNode error(String error, String description) {
		return json.createObjectNode().put("error", error).put("error_description", description);
	}
}
