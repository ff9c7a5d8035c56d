package health.yilian.guide;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.HookParams;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.interceptor.model.RequestPartitionId;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.api.server.storage.TransactionDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import health.yilian.server.YilianInterceptor;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;

/**
 * {@code $validate} answers what the write would answer: HAPI's validator knows the profiles, but not the rules a
 * write is held to as it is stored (the alliance's rules, the access policy, the guide's reference targets), so a
 * referral to an alliance or a report performed by a Patient was "valid" and then refused. After HAPI's validation,
 * the same storage hooks a create (or with {@code mode=update}, an update) runs are run on a copy of the resource for
 * the same caller, nothing stored, and the first refusal is added to the answer as the write would give it.
 */
@Component
public class ValidateAsWritten implements YilianInterceptor {

	private static final String DRY_RUN = ValidateAsWritten.class.getName();
	private static final String NO_ISSUES = "No issues detected during validation";

	private final FhirContext fhirContext;
	private final IInterceptorService interceptors;
	private final DaoRegistry daoRegistry;

	public ValidateAsWritten(FhirContext fhirContext, @Lazy IInterceptorService interceptors, DaoRegistry daoRegistry) {
		this.fhirContext = fhirContext;
		this.interceptors = interceptors;
		this.daoRegistry = daoRegistry;
	}

	/** Whether a storage hook runs for {@code $validate}, not for a write: work with a lasting effect is skipped. */
	public static boolean isDryRun(RequestDetails request) {
		return request != null && request.getUserData().containsKey(DRY_RUN);
	}

	@Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
	public boolean addTheWritesVerdict(RequestDetails request, IBaseResource response) {
		if (!"$validate".equals(request.getOperation()) || !(response instanceof OperationOutcome outcome)
				|| !(request instanceof ServletRequestDetails servlet)) {
			return true;
		}
		Submitted submitted = submitted(request);
		if (submitted == null || "delete".equals(submitted.mode())) {
			return true; // nothing parsed (HAPI's answer says why); a delete's conflicts HAPI checks itself
		}
		Resource copy = submitted.resource().copy();
		request.getUserData().put(DRY_RUN, Boolean.TRUE);
		try {
			if ("update".equals(submitted.mode())) {
				IIdType id = request.getId() != null ? request.getId() : copy.getIdElement();
				IBaseResource previous = daoRegistry.getResourceDao(copy.fhirType()).read(id.toUnqualifiedVersionless(), new SystemRequestDetails());
				interceptors.callHooks(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED, new HookParams()
						.add(IBaseResource.class, previous).add(IBaseResource.class, copy)
						.add(RequestDetails.class, request).add(ServletRequestDetails.class, servlet)
						.add(TransactionDetails.class, new TransactionDetails()));
			} else {
				interceptors.callHooks(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED, new HookParams()
						.add(IBaseResource.class, copy)
						.add(RequestDetails.class, request).add(ServletRequestDetails.class, servlet)
						.add(TransactionDetails.class, new TransactionDetails())
						.add(RequestPartitionId.class, RequestPartitionId.defaultPartition()));
			}
		} catch (ResourceNotFoundException e) {
			addRefusal(outcome, 404, e);
		} catch (BaseServerResponseException refusal) {
			addRefusal(outcome, refusal.getStatusCode(), refusal);
		} finally {
			request.getUserData().remove(DRY_RUN);
		}
		return true;
	}

	private static void addRefusal(OperationOutcome outcome, int status, BaseServerResponseException refusal) {
		outcome.getIssue().removeIf(i -> NO_ISSUES.equals(i.getDiagnostics()));
		if (refusal.getOperationOutcome() instanceof OperationOutcome given && given.hasIssue()) {
			given.getIssue().forEach(issue -> outcome.addIssue(issue.copy()
					.setDiagnostics("the write would be refused (" + status + "): " + issue.getDiagnostics())));
		} else {
			outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR)
					.setCode(status == 403 ? OperationOutcome.IssueType.FORBIDDEN : OperationOutcome.IssueType.BUSINESSRULE)
					.setDiagnostics("the write would be refused (" + status + "): " + refusal.getMessage());
		}
	}

	private record Submitted(Resource resource, String mode) {}

	/** The resource $validate was given (the body, or the Parameters' resource) and its mode (create by default). */
	private Submitted submitted(RequestDetails request) {
		byte[] body = request.loadRequestContents();
		if (body == null || body.length == 0) {
			return null;
		}
		try {
			String text = new String(body, request.getCharset() == null ? StandardCharsets.UTF_8 : request.getCharset());
			IBaseResource parsed = EncodingEnum.detectEncoding(text).newParser(fhirContext).parseResource(text);
			String[] urlMode = request.getParameters() == null ? null : request.getParameters().get("mode");
			String mode = urlMode != null && urlMode.length > 0 ? urlMode[0] : "create";
			if (parsed instanceof Parameters parameters && parameters.getParameter("resource") != null) {
				Parameters.ParametersParameterComponent given = parameters.getParameter("mode");
				return new Submitted(parameters.getParameter("resource").getResource(),
						given != null && given.getValue() != null ? given.getValue().primitiveValue() : mode);
			}
			return parsed instanceof Resource resource ? new Submitted(resource, mode) : null;
		} catch (DataFormatException e) {
			return null;
		}
	}
}
