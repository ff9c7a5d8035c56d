package health.yilian.security;

import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.time.Clock;
import health.yilian.audit.AuditLog;
import health.yilian.audit.InteractionEvent;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoders;
import org.springframework.security.oauth2.server.authorization.authentication.JwtClientAssertionAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configuration.OAuth2AuthorizationServerConfiguration;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configurers.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;

/**
 * SMART Backend Services (OAuth 2.0 client credentials) in front of {@code /fhir}. By default the server is its
 * own issuer: Spring Authorization Server at {@code /oauth2/token} with the clients of the {@link ClientRegistry}
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
	public SecurityFilterChain tokenEndpoints(HttpSecurity http, javax.sql.DataSource dataSource, AuditLog audit, Clock clock,
			io.micrometer.core.instrument.MeterRegistry meters) throws Exception {
		OAuth2AuthorizationServerConfigurer issuer = OAuth2AuthorizationServerConfigurer.authorizationServer();
		org.springframework.security.oauth2.jwt.JwtDecoderFactory<org.springframework.security.oauth2.server.authorization.client.RegisteredClient> assertions =
				new ClientAssertionRules(dataSource).decoders();
		http.securityMatcher(issuer.getEndpointsMatcher())
				.with(issuer, as -> as
						.clientAuthentication(clients -> clients.authenticationConverter(new SmartClientAssertion())
								.errorResponseHandler(tokenRefused(audit, clock, meters))
								.authenticationProviders(providers -> providers.forEach(provider -> {
									if (provider instanceof JwtClientAssertionAuthenticationProvider jwt) {
										jwt.setJwtDecoderFactory(assertions);
									}
								})))
						.tokenEndpoint(token -> token.accessTokenRequestConverter(SmartScopes.defaultingToRegistered())
								.errorResponseHandler(tokenRefused(audit, clock, meters))
								.authenticationProviders(providers -> providers.forEach(provider -> {
									if (provider instanceof OAuth2ClientCredentialsAuthenticationProvider credentials) {
										credentials.setAuthenticationValidator(SmartScopes.withinRegistered());
									}
								}))))
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
						.requestMatchers("/fhir/metadata", "/fhir/.well-known/**", "/actuator/health/**", "/actuator/health", "/error").permitAll()
						// The published guide package (guide.GuidePackageDownload): engineers' tools fetch it without a token.
						.requestMatchers(HttpMethod.GET, "/ig/*.tgz").permitAll()
						// Metrics name clients, organisations and volumes: the operator's (Prometheus scrapes with an operator client's token).
						.requestMatchers("/actuator/prometheus").hasRole(SecurityProperties.Role.OPERATOR.name())
						.anyRequest().authenticated())
				.oauth2ResourceServer(resource -> resource.jwt(jwt -> jwt.jwtAuthenticationConverter(withRole()))
						.authenticationEntryPoint(withOperationOutcome(new BearerTokenAuthenticationEntryPoint(), audit, clock))
						.accessDeniedHandler(new BearerTokenAccessDeniedHandler()))
				.csrf(csrf -> csrf.disable())
				.sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
		return http.build();
	}

	/**
	 * A token's authorities: its scopes ({@code SCOPE_…}, Spring's default) and its client's role ({@code ROLE_OPERATOR},
	 * …), which the operator's endpoints (metrics, health details) ask for.
	 */
	private static org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter withRole() {
		org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter scopes =
				new org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter();
		org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter converter =
				new org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter();
		converter.setJwtGrantedAuthoritiesConverter(jwt -> {
			java.util.List<org.springframework.security.core.GrantedAuthority> authorities = new java.util.ArrayList<>(scopes.convert(jwt));
			String role = jwt.getClaimAsString(Caller.ROLE_CLAIM);
			if (role != null) {
				authorities.add(new org.springframework.security.core.authority.SimpleGrantedAuthority("ROLE_"
						+ role.toUpperCase(java.util.Locale.ROOT).replace('-', '_')));
			}
			return authorities;
		});
		return converter;
	}

	/**
	 * A token request refused: 401 {@code invalid_client} when the client could not authenticate, saying which rule its
	 * assertion broke (Spring's answer names only the parameter), 400 for the rest ({@code invalid_scope} naming the
	 * scope); audited like every refusal, as anonymous (a client is who it claims only once it has authenticated).
	 */
	private static org.springframework.security.web.authentication.AuthenticationFailureHandler tokenRefused(AuditLog audit, Clock clock,
			io.micrometer.core.instrument.MeterRegistry meters) {
		return (request, response, failure) -> {
			OAuth2Error error = failure instanceof OAuth2AuthenticationException oauth ? oauth.getError()
					: new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT);
			String description = error.getDescription();
			if (failure.getCause() instanceof org.springframework.security.oauth2.jwt.JwtValidationException invalid) {
				description = invalid.getErrors().stream().map(OAuth2Error::getDescription).filter(java.util.Objects::nonNull)
						.collect(java.util.stream.Collectors.joining("; "));
			} else if (failure.getCause() instanceof org.springframework.security.oauth2.jwt.JwtException jwt) {
				description = "client_assertion: " + jwt.getMessage();
			}
			OAuth2Error answered = new OAuth2Error(error.getErrorCode(), description, error.getUri());
			int status = OAuth2ErrorCodes.INVALID_CLIENT.equals(answered.getErrorCode()) ? HttpServletResponse.SC_UNAUTHORIZED
					: HttpServletResponse.SC_BAD_REQUEST;
			meters.counter("yilian.tokens", "outcome", "refused", "error", answered.getErrorCode()).increment();
			audit.recordOnItsOwn(InteractionEvent.of(request.getMethod(), request.getRequestURI(), Optional.empty(),
					status, answered.getErrorCode() + ": " + description, Optional.empty(), clock));
			response.setStatus(status);
			new org.springframework.security.oauth2.core.http.converter.OAuth2ErrorHttpMessageConverter().write(answered, null,
					new org.springframework.http.server.ServletServerHttpResponse(response));
		};
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

	/**
	 * Each token is signed with the signing key of {@link SigningKeys} (its {@code kid} in the header, so that verifiers
	 * pick the right key of several) and names the organisation its client acts for and the client's role.
	 */
	@Bean
	@ConditionalOnProperty(name = "yilian.security.issuer-uri", havingValue = "", matchIfMissing = true)
	public OAuth2TokenCustomizer<JwtEncodingContext> accessTokens(ClientRegistry clients, SigningKeys keys,
			io.micrometer.core.instrument.MeterRegistry meters) {
		return context -> {
			meters.counter("yilian.tokens", "outcome", "issued", "error", "-").increment();
			context.getJwsHeader().algorithm(SignatureAlgorithm.from(keys.algorithm().getName())).keyId(keys.signing().getKeyID());
			clients.find(context.getRegisteredClient().getClientId()).ifPresent(client -> {
				if (client.organization() != null) {
					context.getClaims().claim(Caller.ORGANIZATION_CLAIM, client.organization());
				}
				context.getClaims().claim(Caller.ROLE_CLAIM, client.role().name().toLowerCase(java.util.Locale.ROOT));
			});
		};
	}

	@Bean
	@ConditionalOnProperty(name = "yilian.security.issuer-uri", havingValue = "", matchIfMissing = true)
	public SigningKeys signingKeys(SecurityProperties security, org.springframework.core.env.Environment environment) {
		return SigningKeys.load(security.signingKeys(), security.signingKeysPassword(), security.signingKeyId(),
				environment.acceptsProfiles(org.springframework.core.env.Profiles.of("demo")));
	}

	/**
	 * Issued tokens are not kept: they are JWTs every node verifies by signature, and a disabled client's are refused by
	 * the registry ({@link #jwtDecoder}). Spring's default service keeps every issued token in memory for the life of the
	 * process, so a client asking for tokens in a loop would grow the heap without bound.
	 */
	@Bean
	@ConditionalOnProperty(name = "yilian.security.issuer-uri", havingValue = "", matchIfMissing = true)
	public org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService issuedTokensNotKept() {
		return new org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService() {
			@Override
			public void save(org.springframework.security.oauth2.server.authorization.OAuth2Authorization authorization) {
				// nothing kept
			}

			@Override
			public void remove(org.springframework.security.oauth2.server.authorization.OAuth2Authorization authorization) {
				// nothing kept
			}

			@Override
			public org.springframework.security.oauth2.server.authorization.OAuth2Authorization findById(String id) {
				return null;
			}

			@Override
			public org.springframework.security.oauth2.server.authorization.OAuth2Authorization findByToken(String token,
					org.springframework.security.oauth2.server.authorization.OAuth2TokenType tokenType) {
				return null;
			}
		};
	}

	/** Every key is published and accepted (rotation); the signing one is chosen by {@link #accessTokens}. */
	@Bean
	@ConditionalOnProperty(name = "yilian.security.issuer-uri", havingValue = "", matchIfMissing = true)
	public JWKSource<SecurityContext> jwkSource(SigningKeys keys) {
		return new ImmutableJWKSet<>(keys.keys());
	}

	/**
	 * The issuer: the public origin of {@code yilian.base-url} when the server is behind a proxy, so that tokens,
	 * discovery and the audiences client assertions are checked against all name the public token endpoint; else the
	 * origin each request came to (Tomcat applies a configured proxy's {@code X-Forwarded-*} first).
	 */
	@Bean
	@ConditionalOnProperty(name = "yilian.security.issuer-uri", havingValue = "", matchIfMissing = true)
	public AuthorizationServerSettings authorizationServerSettings(health.yilian.server.YilianProperties yilian) {
		AuthorizationServerSettings.Builder settings = AuthorizationServerSettings.builder();
		publicOrigin(yilian.baseUrl()).ifPresent(settings::issuer);
		return settings.build();
	}

	/** {@code https://fhir.example.cn} of {@code https://fhir.example.cn/fhir}; empty when no base URL is set. */
	static Optional<String> publicOrigin(String baseUrl) {
		if (baseUrl == null || baseUrl.isBlank()) {
			return Optional.empty();
		}
		return Optional.of(baseUrl.replaceFirst("/+$", "").replaceFirst("/fhir$", ""));
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
	public JwtDecoder jwtDecoder(SecurityProperties security, org.springframework.beans.factory.ObjectProvider<JWKSource<SecurityContext>> keys,
			ClientRegistry clients) {
		if (!security.issuerUri().isBlank()) {
			return JwtDecoders.fromIssuerLocation(security.issuerUri());
		}
		// A token of a client the operator has disabled stops working at once, not when it expires.
		org.springframework.security.oauth2.jwt.NimbusJwtDecoder decoder =
				(org.springframework.security.oauth2.jwt.NimbusJwtDecoder) OAuth2AuthorizationServerConfiguration.jwtDecoder(keys.getObject());
		decoder.setJwtValidator(new org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator<>(
				org.springframework.security.oauth2.jwt.JwtValidators.createDefault(),
				jwt -> clients.isEnabled(jwt.getSubject()) ? org.springframework.security.oauth2.core.OAuth2TokenValidatorResult.success()
						: org.springframework.security.oauth2.core.OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token",
								"client " + jwt.getSubject() + " is disabled or no longer registered", null))));
		return decoder;
	}
}
