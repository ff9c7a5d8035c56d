package health.yilian.server;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.RestfulServerUtils;
import ca.uhn.fhir.rest.server.RestfulServerUtils.ResponseEncoding;
import ca.uhn.fhir.util.OperationOutcomeUtil;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.instance.model.api.IBaseOperationOutcome;

/**
 * RDF (Turtle) is not offered: the server ships without Jena, which HAPI's Turtle parser needs (it cost memory and
 * start time for a format no member hospital sends, bench/RESULTS.md). HAPI's content negotiation would still pick
 * Turtle for a request that asks for it, or read a body sent as Turtle, and fail with a 500 naming a missing class
 * (and fail again writing the error). So, with HAPI's own negotiation, such a request is answered before it is
 * handled: 406 (asks for Turtle) or 415 (sends Turtle), with an OperationOutcome in JSON saying what to use instead.
 */
class TurtleNotOffered {

	private static final String ASKS = "Turtle (RDF) is not offered by this server: ask for application/fhir+json or application/fhir+xml "
			+ "(Accept header, or _format=json or _format=xml)";
	private static final String SENDS = "Turtle (RDF) is not accepted by this server: send application/fhir+json or application/fhir+xml";

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
	public boolean refuseTurtle(RequestDetails request, HttpServletResponse response) throws IOException {
		if (RestfulServerUtils.determineRequestEncodingNoDefault(request) == EncodingEnum.RDF) {
			refuse(request, response, HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE, SENDS);
			return false;
		}
		ResponseEncoding asked = RestfulServerUtils.determineResponseEncodingNoDefault(request, null);
		if (asked != null && asked.getEncoding() == EncodingEnum.RDF) {
			refuse(request, response, HttpServletResponse.SC_NOT_ACCEPTABLE, ASKS);
			return false;
		}
		return true;
	}

	private static void refuse(RequestDetails request, HttpServletResponse response, int status, String why) throws IOException {
		IBaseOperationOutcome outcome = OperationOutcomeUtil.newInstance(request.getFhirContext());
		OperationOutcomeUtil.addIssue(request.getFhirContext(), outcome, "error", why, null, "not-supported");
		response.setStatus(status);
		response.setContentType(Constants.CT_FHIR_JSON_NEW + ";charset=UTF-8");
		response.getOutputStream().write(request.getFhirContext().newJsonParser().encodeResourceToString(outcome).getBytes(StandardCharsets.UTF_8));
	}
}
