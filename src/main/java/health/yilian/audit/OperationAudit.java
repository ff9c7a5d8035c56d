package health.yilian.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import health.yilian.server.YilianInterceptor;
import java.time.Clock;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Operations disclose data too ({@code $recognizable} hands a requester another hospital's reports, {@code
 * $recognition} says why one is or is not shared), but they read through the server, which BALP's capture does not
 * see: each answered operation is recorded here, with what was asked and of which resource.
 */
@Component
public class OperationAudit implements YilianInterceptor {

	private static final Set<RestOperationTypeEnum> OPERATIONS = Set.of(RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE,
			RestOperationTypeEnum.EXTENDED_OPERATION_TYPE, RestOperationTypeEnum.EXTENDED_OPERATION_SERVER);

	private final AuditLog log;
	private final Clock clock;

	public OperationAudit(AuditLog log, Clock clock) {
		this.log = log;
		this.clock = clock;
	}

	@Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
	public boolean answered(RequestDetails request, ServletRequestDetails client) {
		if (client != null && OPERATIONS.contains(request.getRestOperationType())) {
			log.recordOnItsOwn(InteractionEvent.of(request, 200, request.getOperation(), clock));
		}
		return true;
	}
}
