package health.yilian.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import health.yilian.server.YilianInterceptor;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.springframework.stereotype.Component;

/**
 * SMART v2 system scopes ({@code system/DiagnosticReport.cruds}, {@code system/*.rs}; v1 {@code .read},
 * {@code .write}, {@code .*} too): reads, searches and operations are checked as the request arrives; creates,
 * updates and deletes as each resource is stored, so that every entry of a transaction is checked against its own
 * type. HAPI's AuthorizationInterceptor is not used for this because its rules cannot grant update without create,
 * which SMART's {@code c} and {@code u} tell apart. Auditors never write, whatever their scopes. It runs before
 * every other check of a write, so that a client without the scope hears that, not what is wrong with the resource.
 */
@Component
@Interceptor(order = -1000)
public class ScopeCheck implements YilianInterceptor {

	/** Operations that disclose another type than the one they are called on. */
	private static final Map<String, String> DISCLOSES = Map.of("$recognizable", "DiagnosticReport");
	private static final Set<RestOperationTypeEnum> READS = Set.of(RestOperationTypeEnum.READ, RestOperationTypeEnum.VREAD,
			RestOperationTypeEnum.HISTORY_INSTANCE, RestOperationTypeEnum.HISTORY_TYPE);
	private static final Set<RestOperationTypeEnum> SEARCHES = Set.of(RestOperationTypeEnum.SEARCH_TYPE, RestOperationTypeEnum.SEARCH_SYSTEM,
			RestOperationTypeEnum.GET_PAGE);

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
	public void onArrival(RequestDetails request, RestOperationTypeEnum operation) {
		Optional<Caller> caller = Caller.current();
		if (caller.isEmpty()) {
			return;
		}
		if (READS.contains(operation)) {
			require(caller.get(), request.getResourceName(), 'r');
		} else if (SEARCHES.contains(operation) && request.getResourceName() != null) {
			require(caller.get(), request.getResourceName(), 's');
		} else if (operation == RestOperationTypeEnum.EXTENDED_OPERATION_TYPE || operation == RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE) {
			require(caller.get(), DISCLOSES.getOrDefault(request.getOperation(), request.getResourceName()), 'r');
		} else if (operation == RestOperationTypeEnum.HISTORY_SYSTEM || operation == RestOperationTypeEnum.SEARCH_SYSTEM
				|| operation == RestOperationTypeEnum.EXTENDED_OPERATION_SERVER) {
			require(caller.get(), "*", 'r');
		}
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
	public void created(IBaseResource resource, RequestDetails request) {
		onWrite(resource, request, 'c');
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
		onWrite(resource, request, 'u');
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED)
	public void deleted(IBaseResource resource, RequestDetails request) {
		onWrite(resource, request, 'd');
	}

	private void onWrite(IBaseResource resource, RequestDetails request, char action) {
		if (request == null || request instanceof SystemRequestDetails) {
			return;
		}
		Caller.current().ifPresent(caller -> {
			if (caller.role() == SecurityProperties.Role.AUDITOR) {
				throw forbidden("yl-auditor-read-only", "auditors read everything and write nothing (" + caller.clientId() + ")");
			}
			require(caller, resource.fhirType(), action);
		});
	}

	private static void require(Caller caller, String type, char action) {
		if (caller.role() == SecurityProperties.Role.OPERATOR || type == null) {
			return;
		}
		boolean granted = caller.scopes().stream().anyMatch(scope -> grants(scope, type, action));
		if (!granted) {
			throw forbidden("yl-scope", "client " + caller.clientId() + " has no scope for '" + action + "' on " + type
					+ " (it has " + caller.scopes() + "); it needs e.g. system/" + type + "." + action);
		}
	}

	/** Whether one scope, such as {@code system/Task.rus} or {@code system/*.read}, grants the action on the type. */
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

	static ForbiddenOperationException forbidden(String rule, String message) {
		OperationOutcome outcome = new OperationOutcome();
		outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(OperationOutcome.IssueType.FORBIDDEN)
				.setDiagnostics(rule + ": " + message);
		return new ForbiddenOperationException(rule + ": " + message, outcome);
	}
}
