package health.yilian.security;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.hl7.fhir.r4.model.IdType;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Who is calling, from the bearer token: the client, the organisation it acts for, its role and its scopes. The
 * embedded issuer writes {@code organization} and {@code yilian_role} claims; an external issuer must do the same.
 *
 * <p>A caller belongs to its HTTP request, not to a thread: HAPI runs the GET entries of a batch on a thread pool of
 * its own, where Spring Security's thread-bound context is empty (which is how batch reads once went unchecked and
 * were audited as anonymous). So the caller is read from the token once, on the servlet thread, and kept on the
 * servlet request, which every sub-request of a batch or transaction shares ({@link #of(RequestDetails)}).
 */
public record Caller(String clientId, String organization, SecurityProperties.Role role, List<String> scopes) {

	public static final String ORGANIZATION_CLAIM = "organization";
	public static final String ROLE_CLAIM = "yilian_role";
	private static final String ATTRIBUTE = Caller.class.getName();

	/**
	 * The caller of a HAPI request, for the request and each of its batch or transaction entries on whatever thread;
	 * empty for the server's own reads and writes (no servlet request) and when security is off.
	 */
	public static Optional<Caller> of(RequestDetails request) {
		if (!(request instanceof ServletRequestDetails servlet) || servlet.getServletRequest() == null) {
			return Optional.empty();
		}
		return of(servlet.getServletRequest());
	}

	/** The caller of an HTTP request, read from its token the first time (on the servlet thread) and kept with it. */
	public static Optional<Caller> of(HttpServletRequest request) {
		Object known = request.getAttribute(ATTRIBUTE);
		if (known == null) {
			known = fromToken(SecurityContextHolder.getContext().getAuthentication());
			request.setAttribute(ATTRIBUTE, known);
		}
		@SuppressWarnings("unchecked")
		Optional<Caller> caller = (Optional<Caller>) known;
		return caller;
	}

	private static Optional<Caller> fromToken(Authentication authentication) {
		if (!(authentication instanceof JwtAuthenticationToken token)) {
			return Optional.empty();
		}
		Jwt jwt = token.getToken();
		String role = jwt.getClaimAsString(ROLE_CLAIM);
		return Optional.of(new Caller(
				jwt.getSubject(),
				jwt.getClaimAsString(ORGANIZATION_CLAIM),
				role == null ? SecurityProperties.Role.SYSTEM : SecurityProperties.Role.valueOf(role.toUpperCase(Locale.ROOT).replace('-', '_')),
				scopes(jwt.getClaim("scope"))));
	}

	private static List<String> scopes(Object claim) {
		if (claim instanceof Collection<?> values) {
			return values.stream().map(String::valueOf).toList();
		}
		return claim == null ? List.of() : List.of(String.valueOf(claim).split(" "));
	}

	public boolean is(SecurityProperties.Role kind) {
		return role == kind;
	}

	/** Whether it acts for one of these organisations (a department and the hospital it is part of, say). */
	public boolean actsForAnyOf(List<org.hl7.fhir.r4.model.Organization> organizations) {
		return organizations.stream().anyMatch(o -> actsFor(o.getIdElement().toUnqualifiedVersionless().getValue()));
	}

	public boolean actsFor(String reference) {
		return organization != null && reference != null && organization.equals(new IdType(reference).toUnqualifiedVersionless().getValue());
	}

	/**
	 * Whether one of its SMART scopes grants {@code action} ({@code c r u d s}) on {@code type}: v2
	 * {@code system/Observation.rs}, {@code system/*.cruds}, and v1 {@code .read}, {@code .write}, {@code .*}.
	 */
	public boolean hasScope(String type, char action) {
		return scopes.stream().anyMatch(scope -> grants(scope, type, action));
	}

	static boolean grants(String scope, String type, char action) {
		int slash = scope.indexOf('/');
		int dot = scope.lastIndexOf('.');
		if (slash < 0 || dot < slash) {
			return false;
		}
		String context = scope.substring(0, slash);
		String scopeType = scope.substring(slash + 1, dot);
		String actions = scope.substring(dot + 1);
		if (!"system".equals(context) || !("*".equals(scopeType) || scopeType.equals(type))) {
			return false;
		}
		return switch (actions) {
			case "*" -> true;
			case "read" -> action == 'r' || action == 's';
			case "write" -> action == 'c' || action == 'u' || action == 'd';
			default -> actions.indexOf(action) >= 0;
		};
	}
}
