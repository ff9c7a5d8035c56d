package health.yilian.security;

import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.web.authentication.OAuth2ClientCredentialsAuthenticationConverter;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * Which scopes a client-credentials token is granted, as SMART Backend Services has it: any requested subset of the
 * client's registered scopes (least privilege: a client registered for {@code system/Patient.cruds} may ask for
 * {@code system/Patient.rs}, {@code .r} or the v1 {@code system/Patient.read}), and all of them when it asks for
 * none; the token response then names them ({@code scope}). Spring Authorization Server grants only scopes registered
 * word for word, so it gets this rule in its place; what each scope allows is {@link Caller#grants}, the same rule the
 * access policy reads tokens by.
 */
final class SmartScopes {

	private SmartScopes() {}

	/** The token request, its scopes the registered ones when it names none (RFC 6749 §3.3 allows a default). */
	static AuthenticationConverter defaultingToRegistered() {
		OAuth2ClientCredentialsAuthenticationConverter standard = new OAuth2ClientCredentialsAuthenticationConverter();
		return (HttpServletRequest request) -> {
			Authentication converted = standard.convert(request);
			if (converted instanceof OAuth2ClientCredentialsAuthenticationToken token && token.getScopes().isEmpty()
					&& token.getPrincipal() instanceof OAuth2ClientAuthenticationToken client && client.getRegisteredClient() != null) {
				return new OAuth2ClientCredentialsAuthenticationToken(client, client.getRegisteredClient().getScopes(), token.getAdditionalParameters());
			}
			return converted;
		};
	}

	/** Refuses ({@code invalid_scope}, naming it) a requested scope that no registered scope covers. */
	static Consumer<OAuth2ClientCredentialsAuthenticationContext> withinRegistered() {
		return context -> {
			RegisteredClient client = context.getRegisteredClient();
			for (String requested : context.<OAuth2ClientCredentialsAuthenticationToken>getAuthentication().getScopes()) {
				if (!within(requested, client.getScopes())) {
					throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_SCOPE, "scope '" + requested
							+ "' is not within the scopes registered for " + client.getClientId() + ": " + client.getScopes()
							+ " (ask for those or any part of them, e.g. system/Patient.rs of system/Patient.cruds)", null));
				}
			}
		};
	}

	/** Whether every interaction {@code requested} names is granted by one of {@code registered}. */
	static boolean within(String requested, Set<String> registered) {
		int slash = requested.indexOf('/');
		int dot = requested.lastIndexOf('.');
		if (!requested.startsWith("system/") || dot < slash) {
			return false;
		}
		String type = requested.substring(slash + 1, dot);
		Set<Character> actions = actions(requested.substring(dot + 1));
		return !actions.isEmpty() && actions.stream().allMatch(action -> registered.stream().anyMatch(scope -> Caller.grants(scope, type, action)));
	}

	/** The interactions of a scope's suffix: v2 letters in their order ({@code cruds} or any part), or v1 words. */
	private static Set<Character> actions(String suffix) {
		return switch (suffix) {
			case "*" -> Set.of('c', 'r', 'u', 'd', 's');
			case "read" -> Set.of('r', 's');
			case "write" -> Set.of('c', 'u', 'd');
			default -> {
				Set<Character> letters = new LinkedHashSet<>();
				int last = -1;
				for (char letter : suffix.toCharArray()) {
					int at = "cruds".indexOf(letter);
					if (at <= last) {
						yield Set.of(); // not a letter of cruds, repeated, or out of order: not a SMART v2 scope
					}
					letters.add(letter);
					last = at;
				}
				yield letters;
			}
		};
	}

	/** What discovery lists: the forms the server knows, for every type the access policy names. */
	static List<String> supported(Set<String> types) {
		List<String> scopes = new java.util.ArrayList<>(List.of("system/*.cruds", "system/*.rs", "system/*.read", "system/*.write"));
		types.stream().sorted().forEach(type -> scopes.addAll(List.of("system/" + type + ".cruds", "system/" + type + ".rs")));
		return scopes;
	}
}
