package health.yilian.server;

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
 * on the same row) stays 409.
 */
@Component
public class StaleIfMatchAnswersPreconditionFailed implements YilianInterceptor {

	@Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
	public BaseServerResponseException toPreconditionFailed(RequestDetails request, Throwable exception) {
		if (exception instanceof ResourceVersionConflictException conflict
				&& request.getHeader(Constants.HEADER_IF_MATCH) != null) {
			return new PreconditionFailedException(
					conflict.getMessage() + ". Read the resource again and resend the update with its current ETag.");
		}
		return null; // no opinion: HAPI answers as usual
	}
}
