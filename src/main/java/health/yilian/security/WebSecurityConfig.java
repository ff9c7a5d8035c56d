package health.yilian.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import java.time.Clock;
import health.yilian.audit.AuditLog;
import health.yilian.audit.InteractionEvent;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoders;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configuration.OAuth2AuthorizationServerConfiguration;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configurers.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;

/**
 * SMART Backend Services (OAuth 2.0 client credentials) in front of {@code /fhir}. By default the server is its
 * own issuer: Spring Authorization Server at {@code /oauth2/token} with the clients of {@code yilian.security.clients}
 * ({@code private_key_jwt} by the client's JWKS, or {@code client_secret_basic} for demo and test clients). With
 * {@code yilian.security.issuer-uri} it trusts an external OIDC issuer's tokens instead. What a token may do (its
 * scopes, its organisation) is decided in HAPI by one policy ({@link AccessPolicy}, asked by {@link AccessEnforcement} and {@link ReadNarrowing}).
 */
@Configuration
@ConditionalOnProperty(name = "yilian.security.enabled", havingValue = "true", matchIfMissing = true)
public class WebSecurityConfig {

	/** The embedded issuer's token and key endpoints, first, so that their own client authentication applies. */
	@Bean
	@Order(1)
	@ConditionalOnProperty(name = "yilian.security.issuer-uri", havingValue = "", matchIfMissing = true)
	public SecurityFilterChain tokenEndpoints(HttpSecurity http) throws Exception {
		OAuth2AuthorizationServerConfigurer issuer = OAuth2AuthorizationServerConfigurer.authorizationServer();
		http.securityMatcher(issuer.getEndpointsMatcher())
				.with(issuer, as -> as.clientAuthentication(clients -> clients.authenticationConverter(new SmartClientAssertion())))
				.authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
				.csrf(csrf -> csrf.ignoringRequestMatchers(issuer.getEndpointsMatcher()))
				.sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
		return http.build();
	}

	/** The FHIR API: bearer tokens; the capability statement, discovery and health stay open. */
	@Bean
	@Order(2)
	public SecurityFilterChain fhirApi(HttpSecurity http, AuditLog audit, Clock clock) throws Exception {
		http.authorizeHttpRequests(requests -> requests
						.requestMatchers("/fhir/metadata", "/fhir/.well-known/**", "/actuator/health/**", "/actuator/health",
								"/actuator/prometheus", "/error").permitAll()
						.anyRequest().authenticated())
				.oauth2ResourceServer(resource -> resource.jwt(Customizer.withDefaults())
						.authenticationEntryPoint(withOperationOutcome(new BearerTokenAuthenticationEntryPoint(), audit, clock))
						.accessDeniedHandler(new BearerTokenAccessDeniedHandler()))
				.csrf(csrf -> csrf.disable())
				.sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
		return http.build();
	}

	/**
	 * 401 with {@code WWW-Authenticate} (the standard entry point) and an OperationOutcome saying what to do; the
	 * refusal is audited like those HAPI answers.
	 */
	private static AuthenticationEntryPoint withOperationOutcome(AuthenticationEntryPoint standard, AuditLog audit, Clock clock) {
		return (request, response, failure) -> {
			standard.commence(request, response, failure);
			String what = request.getRequestURI() + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
			audit.recordOnItsOwn(InteractionEvent.of(request.getMethod(), what, Optional.empty(), 401, failure.getMessage(), Optional.empty(), clock));
			response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
			response.setContentType("application/fhir+json;charset=UTF-8");
			String why = request.getHeader("Authorization") == null
					? "no bearer token: get one with the client-credentials grant at /oauth2/token (see /fhir/.well-known/smart-configuration)"
					: "the bearer token is invalid or has expired: get a new one at /oauth2/token";
			response.getOutputStream().write(("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"login\","
					+ "\"diagnostics\":\"" + why + "\"}]}").getBytes(StandardCharsets.UTF_8));
		};
	}

	@Bean
	@ConditionalOnProperty(name = "yilian.security.issuer-uri", havingValue = "", matchIfMissing = true)
	public RegisteredClientRepository registeredClients(SecurityProperties security) {
		if (security.clients().isEmpty()) {
			throw new IllegalStateException("yilian.security.clients is empty: no one could call the server (see the README)");
		}
		return new InMemoryRegisteredClientRepository(security.clients().entrySet().stream().map(entry -> {
			SecurityProperties.Client client = entry.getValue();
			RegisteredClient.Builder builder = RegisteredClient.withId(entry.getKey())
					.clientId(entry.getKey())
					.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
					.scopes(scopes -> scopes.addAll(client.scopes()))
					.tokenSettings(TokenSettings.builder().accessTokenTimeToLive(security.tokenLifetime()).build());
			if (client.jwksUrl() != null && !client.jwksUrl().isBlank()) {
				builder.clientAuthenticationMethod(ClientAuthenticationMethod.PRIVATE_KEY_JWT)
						.clientSettings(ClientSettings.builder().jwkSetUrl(client.jwksUrl())
								.tokenEndpointAuthenticationSigningAlgorithm(signingAlgorithm(entry.getKey(), client)).build());
			}
			if (client.secret() != null && !client.secret().isBlank()) {
				builder.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC).clientSecret(client.secret());
			}
			return builder.build();
		}).toList());
	}

	/** SMART Backend Services allows RS384 and ES384 for client assertions, nothing else. */
	private static SignatureAlgorithm signingAlgorithm(String clientId, SecurityProperties.Client client) {
		SignatureAlgorithm algorithm = SignatureAlgorithm.from(client.signingAlgorithm());
		if (algorithm != SignatureAlgorithm.RS384 && algorithm != SignatureAlgorithm.ES384) {
			throw new IllegalStateException("yilian.security.clients." + clientId + ".signing-algorithm: '" + client.signingAlgorithm()
					+ "' is not RS384 or ES384, the two SMART Backend Services allows");
		}
		return algorithm;
	}

	/** Each token is signed ES256 with {@link #signingKeys()} and names the organisation its client acts for and the client's role. */
	@Bean
	@ConditionalOnProperty(name = "yilian.security.issuer-uri", havingValue = "", matchIfMissing = true)
	public OAuth2TokenCustomizer<JwtEncodingContext> accessTokens(SecurityProperties security) {
		return context -> {
			context.getJwsHeader().algorithm(SignatureAlgorithm.ES256);
			SecurityProperties.Client client = security.clients().get(context.getRegisteredClient().getClientId());
			if (context.getAuthorizedScopes().isEmpty()) {
				// No scope asked for: the client gets what it is registered for (RFC 6749 §3.3 allows a default).
				context.getClaims().claim("scope", context.getRegisteredClient().getScopes());
			}
			if (client != null) {
				if (client.organization() != null) {
					context.getClaims().claim(Caller.ORGANIZATION_CLAIM, client.organization());
				}
				context.getClaims().claim(Caller.ROLE_CLAIM, client.role().name().toLowerCase(java.util.Locale.ROOT));
			}
		};
	}

	/**
	 * The embedded issuer's signing key, made at start: tokens do not outlive a restart, which with five-minute
	 * tokens costs a client one new token request. An EC P-256 key (tokens signed ES256), not RSA: a 2048-bit RSA
	 * key took 0.4–1.3 s of the start on 2 cores, a P-256 key under 0.1 s (bench/RESULTS.md).
	 */
	@Bean
	@ConditionalOnProperty(name = "yilian.security.issuer-uri", havingValue = "", matchIfMissing = true)
	public JWKSource<SecurityContext> signingKeys() throws Exception {
		return new ImmutableJWKSet<>(new JWKSet(new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256)
				.keyID(UUID.randomUUID().toString()).generate()));
	}

	@Bean
	@ConditionalOnProperty(name = "yilian.security.issuer-uri", havingValue = "", matchIfMissing = true)
	public AuthorizationServerSettings authorizationServerSettings() {
		return AuthorizationServerSettings.builder().build();
	}

	/**
	 * A request Spring Security's firewall refuses (a form body whose parameter names hold control characters, an
	 * encoded slash in the path) is the client's error: 400, answered as an OperationOutcome by Tomcat's error page
	 * ({@link health.yilian.server.JsonErrorPages}), not the 500 the firewall's exception would otherwise become.
	 */
	@Bean
	public org.springframework.security.web.firewall.RequestRejectedHandler requestRejectedHandler() {
		return new org.springframework.security.web.firewall.HttpStatusRequestRejectedHandler(400);
	}

	@Bean
	public JwtDecoder jwtDecoder(SecurityProperties security, org.springframework.beans.factory.ObjectProvider<JWKSource<SecurityContext>> keys) {
		return security.issuerUri().isBlank()
				? OAuth2AuthorizationServerConfiguration.jwtDecoder(keys.getObject())
				: JwtDecoders.fromIssuerLocation(security.issuerUri());
	}
}
