package health.yilian.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import health.yilian.server.YilianInterceptor;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.stereotype.Component;

/**
 * Spring Security's firewall checks parameter names only when they are read, and HAPI reads them: a form body whose
 * names hold control characters or line breaks was refused inside HAPI and became a 500. It is the client's error: 400,
 * saying what was refused. (Refusals before HAPI go through {@link WebSecurityConfig#requestRejectedHandler}.)
 */
@Component
public class FirewallRefusals implements YilianInterceptor {

	@Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
	public BaseServerResponseException toBadRequest(Throwable exception) {
		for (Throwable cause = exception; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
			if (cause instanceof RequestRejectedException rejected) {
				String message = rejected.getMessage() == null ? "" : rejected.getMessage();
				return new InvalidRequestException((message.length() > 200 ? message.substring(0, 200) + "…" : message)
						+ ": a parameter name may hold no control characters or line breaks (is the body sent as"
						+ " application/x-www-form-urlencoded a FHIR resource? send it as application/fhir+json)");
			}
		}
		return null;
	}
}
