package health.yilian.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * Systems that authenticate as SMART Backend Services asks: a PACS with an RSA key (RS384) and a RIS with an EC
 * key (ES384), the public halves published as one JWKS on loopback, and signed client assertions for the token
 * endpoint.
 */
public final class PacsKeys {

	public static final String CLIENT_ID = "deyang-pacs";
	public static final String EC_CLIENT_ID = "deyang-ris";
	private static final RSAKey KEY;
	private static final ECKey EC_KEY;
	private static final HttpServer JWKS;

	static {
		try {
			KEY = new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).algorithm(JWSAlgorithm.RS384).generate();
			EC_KEY = new ECKeyGenerator(Curve.P_384).keyID(UUID.randomUUID().toString()).algorithm(JWSAlgorithm.ES384).generate();
			JWKS = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
			byte[] published = new JWKSet(List.of(KEY.toPublicJWK(), EC_KEY.toPublicJWK())).toString().getBytes(StandardCharsets.UTF_8);
			JWKS.createContext("/jwks.json", exchange -> {
				exchange.getResponseHeaders().add("Content-Type", "application/json");
				exchange.sendResponseHeaders(200, published.length);
				exchange.getResponseBody().write(published);
				exchange.close();
			});
			JWKS.start();
		} catch (IOException | com.nimbusds.jose.JOSEException e) {
			throw new IllegalStateException(e);
		}
	}

	private PacsKeys() {}

	public static String jwksUrl() {
		return "http://127.0.0.1:" + JWKS.getAddress().getPort() + "/jwks.json";
	}

	/** The PACS's client assertion (RS384) for the token endpoint, valid for five minutes. */
	public static String clientAssertion(String tokenEndpoint, String issuer) {
		return assertion(CLIENT_ID, tokenEndpoint, issuer, KEY);
	}

	/** The RIS's client assertion (ES384). */
	public static String ecClientAssertion(String tokenEndpoint, String issuer) {
		return assertion(EC_CLIENT_ID, tokenEndpoint, issuer, EC_KEY);
	}

	private static String assertion(String clientId, String tokenEndpoint, String issuer, com.nimbusds.jose.jwk.JWK key) {
		return assertion(clientId, List.of(tokenEndpoint, issuer), UUID.randomUUID().toString(), new Date(System.currentTimeMillis() + 300_000), key);
	}

	/** An assertion signed with the PACS's key for another client id, as a second system holding the same key would. */
	public static String clientAssertionAs(String clientId, String tokenEndpoint) {
		return assertion(clientId, List.of(tokenEndpoint), UUID.randomUUID().toString(), new Date(System.currentTimeMillis() + 240_000), KEY);
	}

	/** The PACS's assertion as a client might make it: its audience, its {@code jti} (none when null), its {@code exp}. */
	public static String clientAssertion(List<String> audience, String jti, Date expires) {
		return assertion(CLIENT_ID, audience, jti, expires, KEY);
	}

	/** The PACS's assertion naming a JWKS URL in its header ({@code jku}). */
	public static String clientAssertionWithJku(String tokenEndpoint, String jku) {
		return assertion(CLIENT_ID, List.of(tokenEndpoint), UUID.randomUUID().toString(), new Date(System.currentTimeMillis() + 240_000), KEY, jku);
	}

	private static String assertion(String clientId, List<String> audience, String jti, Date expires, com.nimbusds.jose.jwk.JWK key) {
		return assertion(clientId, audience, jti, expires, key, null);
	}

	private static String assertion(String clientId, List<String> audience, String jti, Date expires, com.nimbusds.jose.jwk.JWK key, String jku) {
		try {
			JWSAlgorithm algorithm = (JWSAlgorithm) key.getAlgorithm();
			JWSHeader.Builder header = new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).type(com.nimbusds.jose.JOSEObjectType.JWT);
			if (jku != null) {
				header.jwkURL(java.net.URI.create(jku));
			}
			SignedJWT jwt = new SignedJWT(header.build(),
					new JWTClaimsSet.Builder().issuer(clientId).subject(clientId).audience(audience)
							.jwtID(jti).issueTime(new Date())
							.expirationTime(expires).build());
			jwt.sign(key instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner((RSAKey) key));
			return jwt.serialize();
		} catch (com.nimbusds.jose.JOSEException e) {
			throw new UncheckedIOException(new IOException(e));
		}
	}
}
