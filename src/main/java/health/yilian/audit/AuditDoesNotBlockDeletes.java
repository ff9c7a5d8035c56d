package health.yilian.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.model.DeleteConflictList;
import ca.uhn.fhir.jpa.delete.DeleteConflictOutcome;
import health.yilian.server.YilianInterceptor;
import org.springframework.stereotype.Component;

/**
 * An audit event names what a client read or wrote; that must not stop the resource being deleted later, as
 * HAPI's referential integrity would (409). The event keeps its reference to the deleted resource's history.
 */
@Component
public class AuditDoesNotBlockDeletes implements YilianInterceptor {

	@Hook(Pointcut.STORAGE_PRESTORAGE_DELETE_CONFLICTS)
	public DeleteConflictOutcome ignoreAuditEvents(DeleteConflictList conflicts) {
		conflicts.removeIf(conflict -> "AuditEvent".equals(conflict.getSourceId().getResourceType()));
		return null;
	}
}
