package health.yilian.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * The embedded issuer's signing keys: all of them are published (JWKS) and accepted on tokens, one signs. So every
 * node of several, and every start, accepts every token any of them issued; and a key is rotated by adding the new
 * one (it signs from then on) and removing the old once its last token has expired (five minutes later).
 *
 * <p>From {@code yilian.security.signing-keys}: a PKCS#12 key store ({@code .p12} or {@code .pfx}, password {@code
 * yilian.security.signing-keys-password}; each private key entry a key, its alias the {@code kid}; made with the JDK's
 * {@code keytool}), or a JWK Set file of private keys (EC P-256, P-384, P-521 or RSA). The signing key is {@code
 * yilian.security.signing-key-id} or else the newest (in a key store, the latest certificate start that has come; in a
 * JWK Set, the first). Only the demo generates a key
 * at start, when none is configured: its tokens do not outlive the process.
 */
public record SigningKeys(JWKSet keys, JWK signing) {

	/** What a verifier expects of a key of that kind: ES256, ES384 or ES512 by the EC key's curve, RS256 for RSA. */
	public JWSAlgorithm algorithm() {
		if (signing instanceof ECKey ec) {
			return Curve.P_384.equals(ec.getCurve()) ? JWSAlgorithm.ES384 : Curve.P_521.equals(ec.getCurve()) ? JWSAlgorithm.ES512 : JWSAlgorithm.ES256;
		}
		return JWSAlgorithm.RS256;
	}

	static SigningKeys load(String location, String password, String signingKeyId, boolean demo) {
		if (location == null || location.isBlank()) {
			if (!demo) {
				throw new IllegalStateException("yilian.security.signing-keys is not set: outside the demo the token signing key comes from"
						+ " configuration, so that tokens survive a restart and every node accepts them. Make one with the JDK's keytool:"
						+ " keytool -genkeypair -alias yilian-2026 -keyalg EC -groupname secp256r1 -dname CN=yilian -validity 3650"
						+ " -storetype PKCS12 -keystore signing.p12, then set yilian.security.signing-keys=signing.p12 and"
						+ " yilian.security.signing-keys-password");
			}
			return generated();
		}
		Path path = Path.of(location);
		if (!Files.isReadable(path)) {
			throw new IllegalStateException("yilian.security.signing-keys: " + location + " is not a readable file");
		}
		List<JWK> stored;
		try {
			String name = path.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
			stored = name.endsWith(".p12") || name.endsWith(".pfx") ? fromKeyStore(path, password) : JWKSet.load(path.toFile()).getKeys();
		} catch (IOException | java.text.ParseException | java.security.GeneralSecurityException e) {
			throw new IllegalStateException("yilian.security.signing-keys: " + location + " cannot be read as a PKCS#12 key store or a JWK Set: "
					+ e.getMessage(), e);
		}
		List<JWK> keys = stored.stream().filter(JWK::isPrivate).filter(k -> k instanceof ECKey || k instanceof RSAKey).toList();
		if (keys.isEmpty()) {
			throw new IllegalStateException("yilian.security.signing-keys: " + location + " holds no EC or RSA private key");
		}
		JWK signing = signingKeyId == null || signingKeyId.isBlank() ? keys.get(0)
				: keys.stream().filter(k -> signingKeyId.equals(k.getKeyID())).findFirst().orElseThrow(() -> new IllegalStateException(
						"yilian.security.signing-key-id: no key '" + signingKeyId + "' in " + location + " (it holds "
								+ keys.stream().map(JWK::getKeyID).toList() + ")"));
		if (signing.getKeyID() == null) {
			throw new IllegalStateException("yilian.security.signing-keys: the signing key in " + location + " has no \"kid\"");
		}
		return new SigningKeys(new JWKSet(keys), signing);
	}

	/** The key store's private keys, newest certificate first, each with its alias as {@code kid}. */
	private static List<JWK> fromKeyStore(Path path, String password) throws IOException, java.security.GeneralSecurityException {
		KeyStore store = KeyStore.getInstance("PKCS12");
		char[] secret = password == null ? new char[0] : password.toCharArray();
		try (InputStream in = Files.newInputStream(path)) {
			store.load(in, secret);
		}
		List<String> aliases = new ArrayList<>(Collections.list(store.aliases()).stream().filter(a -> isKey(store, a)).toList());
		// Newest first, but a key whose certificate starts later (keytool -startdate) is published now and signs from
		// then: every node has it before any token signed with it arrives.
		java.util.Date now = new java.util.Date();
		aliases.sort(Comparator.comparing((String a) -> !certificate(store, a).getNotBefore().after(now))
				.thenComparing(a -> certificate(store, a).getNotBefore()).reversed());
		List<JWK> keys = new ArrayList<>();
		for (String alias : aliases) {
			// By hand rather than Nimbus's JWK.load, which needs Bouncy Castle for the certificate.
			java.security.Key key = store.getKey(alias, secret);
			java.security.PublicKey certified = certificate(store, alias).getPublicKey();
			if (certified instanceof java.security.interfaces.ECPublicKey ec && key instanceof java.security.interfaces.ECPrivateKey ecPrivate) {
				keys.add(new ECKey.Builder(Curve.forECParameterSpec(ec.getParams()), ec).privateKey(ecPrivate).keyID(alias).keyUse(KeyUse.SIGNATURE).build());
			} else if (certified instanceof java.security.interfaces.RSAPublicKey rsa && key instanceof java.security.interfaces.RSAPrivateKey rsaPrivate) {
				keys.add(new RSAKey.Builder(rsa).privateKey(rsaPrivate).keyID(alias).keyUse(KeyUse.SIGNATURE).build());
			}
		}
		return keys;
	}

	private static boolean isKey(KeyStore store, String alias) {
		try {
			return store.isKeyEntry(alias);
		} catch (java.security.KeyStoreException e) {
			return false;
		}
	}

	private static X509Certificate certificate(KeyStore store, String alias) {
		try {
			return (X509Certificate) store.getCertificate(alias);
		} catch (java.security.KeyStoreException e) {
			throw new IllegalStateException(e);
		}
	}

	/**
	 * The demo's key, made at start. An EC P-256 key (tokens signed ES256), not RSA: a 2048-bit RSA key took 0.4–1.3 s
	 * of the start on 2 cores, a P-256 key under 0.1 s (bench/RESULTS.md).
	 */
	private static SigningKeys generated() {
		try {
			ECKey key = new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256).keyID(UUID.randomUUID().toString()).generate();
			return new SigningKeys(new JWKSet(key), key);
		} catch (com.nimbusds.jose.JOSEException e) {
			throw new IllegalStateException("P-256 is part of every Java", e);
		}
	}
}
