package health.yilian.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import health.yilian.server.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The token signing keys come from configuration: tokens outlive a restart, and a key is rotated by adding the new one
 * to the key store (the newest signs, all are published) without a token issued before becoming invalid.
 */
class SigningKeysTest {

	private static final String PASSWORD = "yilian-test-store";

	@Test
	void aTokenIssuedBeforeARestartIsAcceptedAfterItAndARotatedKeySignsWhileTheOldStillVerifies(@TempDir Path data) throws Exception {
		Path store = data.resolve("signing.p12");
		keytool(store, "yilian-2026");
		String database = ServerProcess.ownDatabase(data, "yilian_signing_keys_test");
		String[] settings = {"--yilian.security.signing-keys=" + store, "--yilian.security.signing-keys-password=" + PASSWORD,
				"--yilian.base-url=https://fhir.example.cn/fhir", "--yilian.demo-data=false"};

		String before;
		String leaving;
		ServerProcess first = ServerProcess.start(data, database, "keys-a", settings);
		try {
			leaving = first.token("deyang-lis", "deyang-lis-demo-secret");
			before = first.token("second-his", "second-his-demo-secret");
			assertThat(SignedJWT.parse(before).getHeader().getKeyID()).isEqualTo("yilian-2026");
			assertThat(SignedJWT.parse(before).getJWTClaimsSet().getIssuer()).as("the public issuer").isEqualTo("https://fhir.example.cn");
			assertThat(first.get("/fhir/Organization", before).statusCode()).isEqualTo(200);
		} finally {
			first.kill();
		}

		keytool(store, "yilian-2027");
		// The production profile, its clients from a file: second-his stays, the demo's others are gone.
		Path clients = data.resolve("clients.yaml");
		Files.writeString(clients, "yilian:\n  security:\n    clients:\n      second-his:\n        secret: \"{noop}second-his-demo-secret\"\n"
				+ "        organization: Organization/deyang-second-peoples-hospital\n        scopes: [ \"system/Organization.rs\" ]\n");
		List<String> production = new ArrayList<>(List.of(settings));
		production.addAll(List.of("--spring.profiles.active=production", "--spring.config.additional-location=file:" + clients));
		ServerProcess next = ServerProcess.start(data, database, "keys-b", production.toArray(String[]::new));
		try {
			assertThat(next.get("/fhir/Organization", before).statusCode()).as("the token issued before the restart").isEqualTo(200);
			assertThat(next.get("/fhir/Organization", leaving).statusCode()).as("a token of a client no longer configured").isEqualTo(401);
			assertThatThrownBy(() -> next.token("deyang-lis", "deyang-lis-demo-secret")).hasMessageContaining("401");
			String after = next.token("second-his", "second-his-demo-secret");
			assertThat(SignedJWT.parse(after).getHeader().getKeyID()).as("the newest key signs").isEqualTo("yilian-2027");
			assertThat(next.get("/fhir/Organization", after).statusCode()).isEqualTo(200);
			List<String> published = new ArrayList<>();
			new ObjectMapper().readTree(next.get("/oauth2/jwks", null).body()).path("keys").forEach(k -> published.add(k.path("kid").asText()));
			assertThat(published).containsExactlyInAnyOrder("yilian-2026", "yilian-2027");
			assertThat(new ObjectMapper().readTree(next.get("/fhir/.well-known/smart-configuration", null).body()).path("token_endpoint").asText())
					.isEqualTo("https://fhir.example.cn/oauth2/token");
		} finally {
			next.kill();
		}
	}

	@Test
	void aJwkSetSignsWithTheKeyItNamesAndAMissingOrWrongKeyIsNamedAtStart(@TempDir Path data) throws Exception {
		Path file = data.resolve("keys.json");
		Files.writeString(file, new JWKSet(List.of(new ECKeyGenerator(Curve.P_256).keyID("old").generate(),
				new RSAKeyGenerator(2048).keyID("new").generate())).toString(false));

		assertThat(SigningKeys.load(file.toString(), "", "", false).signing().getKeyID()).as("the first").isEqualTo("old");
		SigningKeys named = SigningKeys.load(file.toString(), "", "new", false);
		assertThat(named.signing().getKeyID()).isEqualTo("new");
		assertThat(named.algorithm().getName()).isEqualTo("RS256");
		assertThat(named.keys().getKeys()).hasSize(2);

		assertThatThrownBy(() -> SigningKeys.load(file.toString(), "", "none", false)).hasMessageContaining("yilian.security.signing-key-id")
				.hasMessageContaining("old").hasMessageContaining("new");
		assertThatThrownBy(() -> SigningKeys.load("", "", "", false)).hasMessageContaining("yilian.security.signing-keys is not set")
				.hasMessageContaining("keytool");
		assertThatThrownBy(() -> SigningKeys.load(data.resolve("absent.p12").toString(), "", "", false)).hasMessageContaining("not a readable file");
		Files.writeString(data.resolve("public.json"), new JWKSet(new ECKeyGenerator(Curve.P_256).keyID("pub").generate().toPublicJWK()).toString());
		assertThatThrownBy(() -> SigningKeys.load(data.resolve("public.json").toString(), "", "", false)).hasMessageContaining("no EC or RSA private key");
		assertThat(SigningKeys.load("", "", "", true).signing().isPrivate()).as("the demo makes one").isTrue();
	}

	/** The key store the README tells an operator to make, with the JDK's keytool. */
	private static void keytool(Path store, String alias) throws Exception {
		Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair", "-alias", alias,
				"-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=yilian", "-validity", "3650", "-storetype", "PKCS12",
				"-keystore", store.toString(), "-storepass", PASSWORD).redirectErrorStream(true).start();
		String output = new String(keytool.getInputStream().readAllBytes());
		assertThat(keytool.waitFor()).as(output).isZero();
		Thread.sleep(1100); // each key's certificate starts at its own second: the newest is the one made last
	}
}
