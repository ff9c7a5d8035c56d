package health.yilian.security;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Who is calling, from the bearer token: the client, the organisation it acts for, its role and its scopes. The
 * embedded issuer writes {@code organization} and {@code yilian_role} claims; an external issuer must do the same.
 */
public record Caller(String clientId, String organization, SecurityProperties.Role role, List<String> scopes) {

	public static final String ORGANIZATION_CLAIM = "organization";
	public static final String ROLE_CLAIM = "yilian_role";

	/** The caller of the current request; empty when security is off or the call is the server's own. */
	public static Optional<Caller> current() {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (!(authentication instanceof JwtAuthenticationToken token)) {
			return Optional.empty();
		}
		Jwt jwt = token.getToken();
		String role = jwt.getClaimAsString(ROLE_CLAIM);
		return Optional.of(new Caller(
				jwt.getSubject(),
				jwt.getClaimAsString(ORGANIZATION_CLAIM),
				role == null ? SecurityProperties.Role.SYSTEM : SecurityProperties.Role.valueOf(role.toUpperCase(java.util.Locale.ROOT)),
				scopes(jwt.getClaim("scope"))));
	}

	private static List<String> scopes(Object claim) {
		if (claim instanceof Collection<?> values) {
			return values.stream().map(String::valueOf).toList();
		}
		return claim == null ? List.of() : List.of(String.valueOf(claim).split(" "));
	}

	/** Whether it acts for one of these organisations (a department and the hospital it is part of, say). */
	public boolean actsForAnyOf(List<org.hl7.fhir.r4.model.Organization> organizations) {
		return organizations.stream().anyMatch(o -> actsFor(o.getIdElement().toUnqualifiedVersionless().getValue()));
	}

	public boolean actsFor(String reference) {
		return organization != null && reference != null && organization.equals(new org.hl7.fhir.r4.model.IdType(reference).toUnqualifiedVersionless().getValue());
	}
}
