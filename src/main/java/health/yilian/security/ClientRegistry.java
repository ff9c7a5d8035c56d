package health.yilian.security;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.stereotype.Component;

/**
 * The member systems, auditors and operators that may call the server, in the database ({@code yl_client}), so that
 * the operator adds, changes and disables them at run time ({@link ClientRegistration}) on every node at once.
 *
 * <p>Two sources: the clients of {@code yilian.security.clients} (the configuration file, and the demo's), written
 * over their rows at each start and changed only there; and those registered through the API, which live here alone.
 * Spring Authorization Server reads them through this repository (its documented extension point); its own JDBC
 * repository is not used because a client here is more than an OAuth client (the organisation it acts for, its role,
 * its subscription endpoints and QC items, whether it is enabled), and every part of the server reads those from one
 * record, {@link SecurityProperties.Client}.
 *
 * <p>A disabled client gets no token, and the tokens it holds stop working at once on this node and within {@link
 * #FRESH} on the others ({@link #isEnabled}, asked for every request).
 */
@Component
public class ClientRegistry implements RegisteredClientRepository {

	static final String CONFIGURATION = "configuration";
	static final String REGISTRATION = "registration";
	/** How long another node's change may take to be seen here: each request asks, at most one query per client per second. */
	static final Duration FRESH = Duration.ofSeconds(1);

	private final JdbcTemplate jdbc;
	private final ObjectMapper json = new ObjectMapper();
	private final Duration tokenLifetime;
	private final Clock clock = Clock.systemUTC();
	private final Map<String, Loaded> loaded = new ConcurrentHashMap<>();

	/** One client as stored: its settings, where it comes from, whether it may call. */
	public record Entry(String clientId, SecurityProperties.Client client, String source, boolean enabled, Instant updated) {}

	private record Loaded(Optional<Entry> entry, Instant at) {}

	public ClientRegistry(DataSource dataSource, SecurityProperties security) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.tokenLifetime = security.tokenLifetime();
		jdbc.execute("CREATE TABLE IF NOT EXISTS yl_client (client_id VARCHAR(200) PRIMARY KEY, settings TEXT NOT NULL, "
				+ "source VARCHAR(20) NOT NULL, enabled BOOLEAN NOT NULL, updated TIMESTAMP NOT NULL)");
		security.clients().forEach((id, client) -> {
			try {
				check("yilian.security.clients." + id, client);
			} catch (IllegalArgumentException e) {
				throw new IllegalStateException(e.getMessage());
			}
			declare(id, client);
		});
		// A client taken out of the file (a hospital that left, the demo's clients once a production profile runs on the
		// same database) is disabled, not left able to get tokens from an earlier start's row.
		List<Object> declared = new java.util.ArrayList<>(security.clients().keySet());
		declared.add(0, CONFIGURATION);
		jdbc.update("UPDATE yl_client SET enabled = FALSE WHERE source = ? AND enabled = TRUE"
				+ (security.clients().isEmpty() ? "" : " AND client_id NOT IN (" + String.join(",", java.util.Collections.nCopies(security.clients().size(), "?")) + ")"),
				declared.toArray());
	}

	/** A client of the configuration: its row is what the file says, enabled. */
	private void declare(String clientId, SecurityProperties.Client client) {
		if (jdbc.update("UPDATE yl_client SET settings = ?, source = ?, enabled = TRUE, updated = ? WHERE client_id = ?", write(client),
				CONFIGURATION, now(), clientId) == 0) {
			jdbc.update("INSERT INTO yl_client (client_id, settings, source, enabled, updated) VALUES (?, ?, ?, TRUE, ?)", clientId, write(client),
					CONFIGURATION, now());
		}
	}

	/** Registers a new client; false when the id is taken. */
	boolean register(String clientId, SecurityProperties.Client client) {
		try {
			jdbc.update("INSERT INTO yl_client (client_id, settings, source, enabled, updated) VALUES (?, ?, ?, TRUE, ?)", clientId, write(client),
					REGISTRATION, now());
		} catch (DuplicateKeyException taken) {
			return false;
		}
		loaded.remove(clientId);
		return true;
	}

	/** Replaces a registered client's settings and enables it. */
	void replace(String clientId, SecurityProperties.Client client) {
		jdbc.update("UPDATE yl_client SET settings = ?, enabled = TRUE, updated = ? WHERE client_id = ? AND source = ?", write(client), now(),
				clientId, REGISTRATION);
		loaded.remove(clientId);
	}

	/** Disables a registered client: no more tokens, and those it holds stop working. Its row stays, for the audit trail. */
	void disable(String clientId) {
		jdbc.update("UPDATE yl_client SET enabled = FALSE, updated = ? WHERE client_id = ? AND source = ?", now(), clientId, REGISTRATION);
		loaded.remove(clientId);
	}

	/** The client as stored now, enabled or not. */
	Optional<Entry> entry(String clientId) {
		return jdbc.query("SELECT client_id, settings, source, enabled, updated FROM yl_client WHERE client_id = ?",
				(rs, i) -> new Entry(rs.getString(1), read(rs.getString(2)), rs.getString(3), rs.getBoolean(4), rs.getTimestamp(5).toInstant()),
				clientId).stream().findFirst();
	}

	/** An enabled client's settings, at most {@link #FRESH} old. */
	public Optional<SecurityProperties.Client> find(String clientId) {
		if (clientId == null || !ClientRegistration.CLIENT_ID.matcher(clientId).matches()) {
			return Optional.empty(); // no query, and nothing kept, for what cannot be a client id
		}
		Instant now = clock.instant();
		Loaded known = loaded.get(clientId);
		if (known == null || known.at().plus(FRESH).isBefore(now)) {
			try {
				known = new Loaded(entry(clientId), now);
			} catch (org.springframework.dao.DataAccessException unavailable) {
				if (known == null) {
					throw unavailable; // answered 503 (server.JsonErrorPages)
				}
				// The database is away for a moment: what was known a second ago stands, as every other part of the
				// request will find the database away too and answer 503.
				return known.entry().filter(Entry::enabled).map(Entry::client);
			}
			// Only clients are kept: unknown ids, which anyone can send to the token endpoint, are not.
			if (known.entry().isPresent()) {
				loaded.put(clientId, known);
			} else {
				loaded.remove(clientId);
			}
		}
		return known.entry().filter(Entry::enabled).map(Entry::client);
	}

	public boolean isEnabled(String clientId) {
		return find(clientId).isPresent();
	}

	// ---------------------------------------------------------------- Spring Authorization Server

	@Override
	public RegisteredClient findByClientId(String clientId) {
		return find(clientId).map(client -> asRegisteredClient(clientId, client)).orElse(null);
	}

	@Override
	public RegisteredClient findById(String id) {
		return findByClientId(id);
	}

	/**
	 * Spring saves a client only to re-encode its secret (a {@code {noop}} one becomes bcrypt at its first use); the new
	 * hash is kept. Clients are otherwise registered by configuration or through {@link ClientRegistration}.
	 */
	@Override
	public void save(RegisteredClient registeredClient) {
		entry(registeredClient.getClientId()).ifPresent(entry -> {
			SecurityProperties.Client c = entry.client();
			jdbc.update("UPDATE yl_client SET settings = ? WHERE client_id = ?", write(new SecurityProperties.Client(registeredClient.getClientSecret(),
					c.jwksUrl(), c.signingAlgorithm(), c.organization(), c.role(), c.scopes(), c.subscriptionEndpoints(), c.qcItems())), entry.clientId());
			loaded.remove(entry.clientId());
		});
	}

	private RegisteredClient asRegisteredClient(String clientId, SecurityProperties.Client client) {
		RegisteredClient.Builder builder = RegisteredClient.withId(clientId)
				.clientId(clientId)
				.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
				.scopes(scopes -> scopes.addAll(client.scopes()))
				.tokenSettings(TokenSettings.builder().accessTokenTimeToLive(tokenLifetime).build());
		if (client.jwksUrl() != null && !client.jwksUrl().isBlank()) {
			builder.clientAuthenticationMethod(ClientAuthenticationMethod.PRIVATE_KEY_JWT)
					.clientSettings(ClientSettings.builder().jwkSetUrl(client.jwksUrl())
							.tokenEndpointAuthenticationSigningAlgorithm(SignatureAlgorithm.from(client.signingAlgorithm())).build());
		}
		if (client.secret() != null && !client.secret().isBlank()) {
			builder.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC).clientSecret(client.secret());
		}
		return builder.build();
	}

	// ---------------------------------------------------------------- checks, shared with the configuration

	/**
	 * What a client must be, found when it is declared or registered, naming the setting ({@code where}): a known
	 * signing algorithm, a secret that says how it is encoded, some way to authenticate, some scope.
	 */
	static void check(String where, SecurityProperties.Client client) {
		SignatureAlgorithm algorithm = SignatureAlgorithm.from(client.signingAlgorithm());
		if (algorithm != SignatureAlgorithm.RS384 && algorithm != SignatureAlgorithm.ES384) {
			throw new IllegalArgumentException(where + ".signing-algorithm: '" + client.signingAlgorithm()
					+ "' is not RS384 or ES384, the two SMART Backend Services allows");
		}
		boolean secret = client.secret() != null && !client.secret().isBlank();
		boolean keys = client.jwksUrl() != null && !client.jwksUrl().isBlank();
		if (!secret && !keys) {
			throw new IllegalArgumentException(where + ": neither jwks-url nor secret; a client proves itself with one of them");
		}
		if (secret) {
			try {
				org.springframework.security.crypto.factory.PasswordEncoderFactories.createDelegatingPasswordEncoder().matches("", client.secret());
			} catch (IllegalArgumentException e) {
				throw new IllegalArgumentException(where + ".secret does not say how it is encoded: write it as {bcrypt}<hash>"
						+ " (htpasswd -bnBC 10 '' <secret> | tr -d ':', or Spring's BCryptPasswordEncoder), or {noop}<secret> for a demo");
			}
		}
		if (client.scopes().isEmpty()) {
			throw new IllegalArgumentException(where + ".scopes: none; a client needs at least one SMART system scope");
		}
	}

	private Timestamp now() {
		return Timestamp.from(clock.instant());
	}

	private String write(SecurityProperties.Client client) {
		try {
			return json.writeValueAsString(client);
		} catch (JsonProcessingException e) {
			throw new IllegalStateException(e);
		}
	}

	private SecurityProperties.Client read(String settings) {
		try {
			return json.readValue(settings, SecurityProperties.Client.class);
		} catch (JsonProcessingException e) {
			throw new IllegalStateException("yl_client holds settings that are not a client: " + e.getMessage(), e);
		}
	}

	/** The registered clients, for the registration API's listing. */
	List<Entry> all() {
		return jdbc.query("SELECT client_id, settings, source, enabled, updated FROM yl_client ORDER BY client_id",
				(rs, i) -> new Entry(rs.getString(1), read(rs.getString(2)), rs.getString(3), rs.getBoolean(4), rs.getTimestamp(5).toInstant()));
	}
}
