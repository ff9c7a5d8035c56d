package health.yilian.security;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.authorization.authentication.JwtClientAssertionDecoderFactory;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

/**
 * What SMART Backend Services requires of a client assertion beyond Spring Authorization Server's checks (issuer,
 * subject, audience, signature, not expired): an {@code exp} at most five minutes ahead, a {@code jku} (if any) that is
 * the registered JWKS URL, and a {@code jti} never used before by that client while the assertion is valid, so a
 * captured assertion cannot buy a second token.
 *
 * <p>Used {@code jti}s are kept in the database ({@code yl_client_assertion}, until their {@code exp}), not in memory:
 * a replay sent to another node, or after a restart, is refused too. Times are the host's real time (as the tokens'
 * own), not the server's business clock, which tests move.
 */
final class ClientAssertionRules {

	static final Duration LONGEST = Duration.ofMinutes(5);
	/** Clock drift between the client and the server that is forgiven, as Spring's own timestamp check does. */
	private static final Duration DRIFT = Duration.ofSeconds(60);

	private final JdbcTemplate jdbc;
	private final Clock clock = Clock.systemUTC();

	ClientAssertionRules(DataSource dataSource) {
		this.jdbc = new JdbcTemplate(dataSource);
		jdbc.execute("CREATE TABLE IF NOT EXISTS yl_client_assertion (client_id VARCHAR(200) NOT NULL, jti VARCHAR(200) NOT NULL, "
				+ "expires TIMESTAMP NOT NULL, PRIMARY KEY (client_id, jti))");
	}

	/**
	 * The decoders of client assertions, one per client and its registered keys: Spring's factory keeps a client's
	 * decoder, with the JWKS URL and algorithm it was made with, for the life of the process, so a key URL the operator
	 * changes (a hospital's key leaked) would go on being trusted. Keyed by what the decoder was made from, a change
	 * takes effect at the next assertion.
	 */
	org.springframework.security.oauth2.jwt.JwtDecoderFactory<RegisteredClient> decoders() {
		java.util.Map<String, org.springframework.security.oauth2.jwt.JwtDecoder> decoders = new java.util.concurrent.ConcurrentHashMap<>();
		return client -> decoders.computeIfAbsent(client.getClientId() + "|" + client.getClientSettings().getJwkSetUrl() + "|"
				+ client.getClientSettings().getTokenEndpointAuthenticationSigningAlgorithm(), key -> {
			JwtClientAssertionDecoderFactory factory = new JwtClientAssertionDecoderFactory();
			factory.setJwtValidatorFactory(this::validator);
			return factory.createDecoder(client);
		});
	}

	/** Spring's checks first; only an assertion that passes them all, and the lifetime rule, spends its jti. */
	private OAuth2TokenValidator<Jwt> validator(RegisteredClient client) {
		OAuth2TokenValidator<Jwt> standard = JwtClientAssertionDecoderFactory.DEFAULT_JWT_VALIDATOR_FACTORY.apply(client);
		return assertion -> {
			OAuth2TokenValidatorResult checked = standard.validate(assertion);
			if (checked.hasErrors()) {
				return checked;
			}
			OAuth2TokenValidatorResult lifetime = notTooLong(assertion);
			if (lifetime.hasErrors()) {
				return lifetime;
			}
			OAuth2TokenValidatorResult keys = registeredKeys(client, assertion);
			return keys.hasErrors() ? keys : firstUse(client, assertion);
		};
	}

	/**
	 * SMART: an assertion's {@code jku}, when present, SHALL match the JWKS URL the client registered. The keys are
	 * always fetched from the registered URL; one that names another is refused rather than quietly ignored.
	 */
	private static OAuth2TokenValidatorResult registeredKeys(RegisteredClient client, Jwt assertion) {
		Object jku = assertion.getHeaders().get("jku");
		String registered = client.getClientSettings().getJwkSetUrl();
		return jku == null || jku.toString().equals(registered) ? OAuth2TokenValidatorResult.success()
				: refused("client_assertion: jku " + jku + " is not the JWKS URL registered for " + client.getClientId() + " (" + registered + ")");
	}

	private OAuth2TokenValidatorResult notTooLong(Jwt assertion) {
		Instant latest = clock.instant().plus(LONGEST).plus(DRIFT);
		return assertion.getExpiresAt() != null && assertion.getExpiresAt().isAfter(latest)
				? refused("client_assertion: exp " + assertion.getExpiresAt() + " is more than five minutes ahead; SMART Backend Services"
						+ " allows at most five")
				: OAuth2TokenValidatorResult.success();
	}

	/** Checked last ({@link #validator}): only a valid assertion's jti is spent. */
	private OAuth2TokenValidatorResult firstUse(RegisteredClient client, Jwt assertion) {
		String jti = assertion.getId();
		if (jti == null || jti.isBlank()) {
			return refused("client_assertion: no jti; SMART Backend Services requires a unique jti in every assertion");
		}
		if (jti.length() > 200) {
			return refused("client_assertion: the jti is longer than 200 characters");
		}
		Instant now = clock.instant();
		// Kept well past their exp, so a node whose clock runs ahead never forgets a jti another node would still accept.
		jdbc.update("DELETE FROM yl_client_assertion WHERE expires < ?", Timestamp.from(now.minus(Duration.ofMinutes(10))));
		try {
			jdbc.update("INSERT INTO yl_client_assertion (client_id, jti, expires) VALUES (?, ?, ?)", client.getClientId(), jti,
					Timestamp.from(assertion.getExpiresAt() == null ? now.plus(LONGEST) : assertion.getExpiresAt()));
		} catch (DuplicateKeyException replayed) {
			return refused("client_assertion: jti '" + jti + "' was used before; make a new assertion, with a new jti, for each token request");
		}
		return OAuth2TokenValidatorResult.success();
	}

	private static OAuth2TokenValidatorResult refused(String why) {
		return OAuth2TokenValidatorResult.failure(new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT, why, null));
	}
}
