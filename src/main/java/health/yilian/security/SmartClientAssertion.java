package health.yilian.security;

import com.nimbusds.jwt.SignedJWT;
import jakarta.servlet.http.HttpServletRequest;
import java.text.ParseException;
import java.util.HashMap;
import java.util.Map;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * SMART Backend Services clients send {@code client_assertion} without {@code client_id}: the client is the
 * assertion's issuer. Spring Authorization Server's own converter requires {@code client_id}, so this one reads it
 * from the (not yet verified) assertion; the signature, audience and expiry are then checked by the server's
 * standard {@code private_key_jwt} authentication against the client's registered JWKS.
 */
class SmartClientAssertion implements AuthenticationConverter {

	private static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

	@Override
	public Authentication convert(HttpServletRequest request) {
		String assertion = request.getParameter("client_assertion");
		if (assertion == null || !JWT_BEARER.equals(request.getParameter("client_assertion_type")) || request.getParameter("client_id") != null) {
			return null;
		}
		String clientId;
		try {
			clientId = SignedJWT.parse(assertion).getJWTClaimsSet().getIssuer();
		} catch (ParseException e) {
			throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_CLIENT);
		}
		if (clientId == null) {
			throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_CLIENT);
		}
		Map<String, Object> parameters = new HashMap<>();
		request.getParameterMap().forEach((name, values) -> {
			if (!name.equals("client_assertion") && !name.equals("client_assertion_type")) {
				parameters.put(name, values.length == 1 ? values[0] : values);
			}
		});
		parameters.put("client_assertion_type", JWT_BEARER);
		// The method is the assertion type, as Spring Authorization Server's own converter sets it.
		return new OAuth2ClientAuthenticationToken(clientId, new ClientAuthenticationMethod(JWT_BEARER), assertion, parameters);
	}
}
