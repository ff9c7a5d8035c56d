package health.yilian.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
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
 * A PACS that authenticates as SMART Backend Services asks: its own RSA key pair, the public half published as a
 * JWKS on loopback, and signed client assertions (RS384) for the token endpoint.
 */
public final class PacsKeys {

	public static final String CLIENT_ID = "deyang-pacs";
	private static final RSAKey KEY;
	private static final HttpServer JWKS;

	static {
		try {
			KEY = new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).algorithm(JWSAlgorithm.RS384).generate();
			JWKS = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
			byte[] published = new JWKSet(KEY.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
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

	/** A client assertion for the token endpoint, valid for five minutes. */
	public static String clientAssertion(String tokenEndpoint, String issuer) {
		try {
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS384).keyID(KEY.getKeyID()).build(),
					new JWTClaimsSet.Builder().issuer(CLIENT_ID).subject(CLIENT_ID).audience(List.of(tokenEndpoint, issuer))
							.jwtID(UUID.randomUUID().toString()).issueTime(new Date())
							.expirationTime(new Date(System.currentTimeMillis() + 300_000)).build());
			jwt.sign(new RSASSASigner(KEY));
			return jwt.serialize();
		} catch (com.nimbusds.jose.JOSEException e) {
			throw new UncheckedIOException(new IOException(e));
		}
	}
}
