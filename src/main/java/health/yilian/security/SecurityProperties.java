package health.yilian.security;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code yilian.security.*}: who may call the server. Every key is in the README's configuration table.
 *
 * @param enabled security on (the default); {@code false} only for benchmarks against plain HAPI
 * @param issuerUri an external OIDC issuer (e.g. Keycloak) whose tokens the server accepts; empty: the embedded
 *     issuer at {@code /oauth2/token} (Spring Authorization Server) with the clients below
 * @param tokenEndpoint the external issuer's token endpoint, for discovery (the embedded one is {@code /oauth2/token})
 * @param tokenLifetime access-token lifetime of the embedded issuer (SMART Backend Services: at most five minutes)
 * @param clients the embedded issuer's clients, by client id
 * @param signingKeys the embedded issuer's signing keys: a PKCS#12 key store ({@code .p12}, {@code .pfx}) or a JWK Set
 *     file ({@link SigningKeys}); empty: a key made at start, in the demo only
 * @param signingKeysPassword the key store's password
 * @param signingKeyId the {@code kid} (key store alias) of the key that signs; empty: the newest
 */
@ConfigurationProperties("yilian.security")
public record SecurityProperties(
		@DefaultValue("true") boolean enabled,
		@DefaultValue("") String issuerUri,
		@DefaultValue("") String tokenEndpoint,
		@DefaultValue("PT5M") Duration tokenLifetime,
		Map<String, Client> clients,
		@DefaultValue("") String signingKeys,
		@DefaultValue("") String signingKeysPassword,
		@DefaultValue("") String signingKeyId) {

	public SecurityProperties {
		clients = clients == null ? Map.of() : Map.copyOf(clients);
	}

	/**
	 * One hospital system, auditor or operator.
	 *
	 * @param secret for {@code client_secret_basic} (demo and test clients), as Spring's password-encoder string,
	 *     e.g. {@code {bcrypt}$2a$…} or {@code {noop}…}; leave empty for {@code private_key_jwt}
	 * @param jwksUrl where the client publishes its public keys, for {@code private_key_jwt}
	 * @param signingAlgorithm how its client assertions are signed: {@code RS384} (default) or {@code ES384}
	 * @param organization {@code Organization/{id}}: the hospital (or auditors' office) it acts for
	 * @param role what kind of caller it is
	 * @param scopes SMART v2 system scopes it may be granted, e.g. {@code system/DiagnosticReport.cruds}
	 * @param subscriptionEndpoints where its rest-hook Subscriptions may deliver: each a URL prefix, e.g.
	 *     {@code https://his.example.cn/fhir-notify/}; none: it may not subscribe
	 * @param qcItems for a QC centre: the recognition-catalogue items it assesses (codes of
	 *     {@code yilian-recognition-catalogue}, e.g. {@code K}, {@code CT-CHEST})
	 */
	public record Client(String secret, String jwksUrl, @DefaultValue("RS384") String signingAlgorithm, String organization,
			@DefaultValue("system") Role role, List<String> scopes, List<String> subscriptionEndpoints, List<String> qcItems) {
		public Client {
			scopes = scopes == null ? List.of() : List.copyOf(scopes);
			subscriptionEndpoints = subscriptionEndpoints == null ? List.of() : List.copyOf(subscriptionEndpoints);
			qcItems = qcItems == null ? List.of() : List.copyOf(qcItems);
		}
	}

	/**
	 * {@code system}: a member hospital's LIS, PACS or HIS, acting for its organisation. {@code qc-centre}: an issuer
	 * of QC results (a national, provincial or alliance QC centre) for the items it assesses. {@code auditor}: reads
	 * everything, writes nothing. {@code operator}: the team that runs the server (registry, maintenance, repairs),
	 * bound to no organisation; give it to no hospital.
	 */
	public enum Role { SYSTEM, QC_CENTRE, AUDITOR, OPERATOR }
}
