package health.yilian.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.model.DeleteConflict;
import ca.uhn.fhir.jpa.api.model.DeleteConflictList;
import ca.uhn.fhir.jpa.delete.DeleteConflictOutcome;
import ca.uhn.fhir.model.primitive.IdDt;
import health.yilian.server.YilianInterceptor;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * An audit event names what a client read or wrote; that must not stop the resource being deleted later, as
 * HAPI's referential integrity would (409). The event keeps its reference to the deleted resource's history.
 *
 * <p>Every other reference still blocks the delete. HAPI looks for a single conflicting reference first and, when this
 * hook leaves none, takes the delete as free of conflicts: with an audit event found first, a report referencing the
 * deleted result went unnoticed (a transaction deleted a result its report still named). So when only audit events
 * were found, the references of every other kind are looked up here, in HAPI's own link table.
 */
@Component
public class AuditDoesNotBlockDeletes implements YilianInterceptor {

	@PersistenceContext
	private EntityManager entityManager;

	@Hook(Pointcut.STORAGE_PRESTORAGE_DELETE_CONFLICTS)
	public DeleteConflictOutcome ignoreAuditEvents(DeleteConflictList conflicts) {
		List<DeleteConflict> audited = new ArrayList<>();
		conflicts.forEach(conflict -> {
			if ("AuditEvent".equals(conflict.getSourceId().getResourceType())) {
				audited.add(conflict);
			}
		});
		conflicts.removeIf(conflict -> "AuditEvent".equals(conflict.getSourceId().getResourceType()));
		if (conflicts.isEmpty() && !audited.isEmpty()) {
			IdDt target = audited.get(0).getTargetId();
			entityManager.createQuery("SELECT l.mySourceResource.myResourceType, l.mySourceResource.myFhirId, l.mySourcePath FROM ResourceLink l "
							+ "WHERE l.myTargetResource.myResourceType = :type AND l.myTargetResource.myFhirId = :id "
							+ "AND l.mySourceResourceType <> 'AuditEvent'", Object[].class)
					.setParameter("type", target.getResourceType())
					.setParameter("id", target.getIdPart())
					.setMaxResults(1)
					.getResultList()
					.forEach(link -> conflicts.add(new DeleteConflict(new IdDt((String) link[0], (String) link[1]), (String) link[2], target)));
		}
		return null;
	}
}
