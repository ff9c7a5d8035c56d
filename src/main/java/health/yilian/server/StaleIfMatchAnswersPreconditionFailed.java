package health.yilian.server;

import ca.uhn.fhir.i18n.Msg;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import org.springframework.stereotype.Component;

/**
 * FHIR R4 (http.html#concurrency) answers an update whose {@code If-Match} names a version that is no longer
 * current with 412 Precondition Failed; HAPI answers 409. A 409 without {@code If-Match} (two writers racing
 * on the same row) stays 409. Inside a transaction the entry's {@code If-Match} is not a header: HAPI's message
 * names the stale version.
 */
@Component
public class StaleIfMatchAnswersPreconditionFailed implements YilianInterceptor {

	/** HAPI's refusal of an update naming a version that is not the current one (a transaction entry's If-Match too). */
	private static final String STALE_VERSION = Msg.code(989);

	@Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
	public BaseServerResponseException toPreconditionFailed(RequestDetails request, Throwable exception) {
		if (exception instanceof ResourceVersionConflictException conflict
				&& (request.getHeader(Constants.HEADER_IF_MATCH) != null || conflict.getMessage().contains(STALE_VERSION))) {
			return new PreconditionFailedException(
					conflict.getMessage() + ". Read the resource again and resend the update with its current ETag.");
		}
		return null; // no opinion: HAPI answers as usual
	}
}
