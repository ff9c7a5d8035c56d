package health.yilian.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import health.yilian.server.YilianInterceptor;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.UriType;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Component;

/**
 * How a client learns where to get a token: {@code /fhir/.well-known/smart-configuration} (SMART App Launch 2.x
 * discovery, the Backend Services subset) and the CapabilityStatement's {@code rest.security}.
 */
@Component
public class SmartConfiguration implements YilianInterceptor {

	static final String PATH = "/fhir/.well-known/smart-configuration";
	/** Every scope form the token service grants, for every type the access policy names (any part of these too). */
	private static final String SCOPES = SmartScopes.supported(AccessPolicy.types()).stream().map(s -> "\"" + s + "\"")
			.collect(java.util.stream.Collectors.joining(",", "[", "]"));

	private final SecurityProperties security;
	private final java.util.Optional<String> publicOrigin;

	public SmartConfiguration(SecurityProperties security, health.yilian.server.YilianProperties yilian) {
		this.security = security;
		this.publicOrigin = WebSecurityConfig.publicOrigin(yilian.baseUrl());
	}

	/** Served beside HAPI's servlet (an exact path wins over its {@code /fhir/*}). */
	@Bean
	public ServletRegistrationBean<HttpServlet> smartConfigurationServlet() {
		HttpServlet servlet = new HttpServlet() {
			@Override
			protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
				String token = tokenEndpoint(origin(request));
				response.setContentType("application/json;charset=UTF-8");
				response.getOutputStream().write(("{\"issuer\":\"" + issuer(origin(request)) + "\",\"token_endpoint\":\"" + token + "\","
						+ "\"token_endpoint_auth_methods_supported\":[\"private_key_jwt\",\"client_secret_basic\"],"
						+ "\"token_endpoint_auth_signing_alg_values_supported\":[\"RS384\",\"ES384\"],"
						+ "\"grant_types_supported\":[\"client_credentials\"],"
						+ "\"scopes_supported\":" + SCOPES + ","
						+ "\"capabilities\":[\"client-confidential-asymmetric\",\"client-confidential-symmetric\",\"permission-v2\"]}")
						.getBytes(StandardCharsets.UTF_8));
			}
		};
		return new ServletRegistrationBean<>(servlet, PATH);
	}

	@Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
	public void securitySection(IBaseConformance statement, RequestDetails request) {
		if (!security.enabled() || !(statement instanceof CapabilityStatement capability)) {
			return;
		}
		String origin = publicOrigin.orElseGet(() -> request.getFhirServerBase().replaceFirst("/fhir/?$", ""));
		CapabilityStatement.CapabilityStatementRestSecurityComponent section = capability.getRestFirstRep().getSecurity();
		section.addService(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/restful-security-service", "SMART-on-FHIR", "SMART-on-FHIR")));
		section.setDescription("SMART Backend Services: OAuth 2.0 client credentials (private_key_jwt, or client_secret_basic for demo clients); "
				+ "SMART v2 system scopes; each client acts for one organisation. Discovery: " + origin + PATH);
		Extension uris = section.addExtension().setUrl("http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris");
		uris.addExtension("token", new UriType(tokenEndpoint(origin)));
	}

	private String issuer(String origin) {
		return security.issuerUri().isBlank() ? origin : security.issuerUri();
	}

	/** The embedded issuer's token endpoint; an external issuer publishes its own in its OIDC metadata. */
	private String tokenEndpoint(String origin) {
		return security.issuerUri().isBlank() ? origin + "/oauth2/token" : security.tokenEndpoint();
	}

	/** The public origin when a base URL is configured, else the one the request came to (after a proxy's X-Forwarded-*). */
	private String origin(HttpServletRequest request) {
		boolean defaultPort = request.getServerPort() == ("https".equals(request.getScheme()) ? 443 : 80);
		return publicOrigin.orElseGet(() -> request.getScheme() + "://" + request.getServerName() + (defaultPort ? "" : ":" + request.getServerPort()));
	}
}
