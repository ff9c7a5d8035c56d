package health.yilian.audit;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.dao.tx.IHapiTransactionService;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.storage.interceptor.balp.IBalpAuditEventSink;
import ca.uhn.fhir.storage.interceptor.balp.BalpConstants;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Where audit events go: the FHIR database itself, as AuditEvent resources auditors search like any other
 * ({@code AuditEvent?entity=DiagnosticReport/123}, {@code ?agent=Organization/…&date=…}). HAPI's own sinks send
 * events through a client, asynchronously from an in-memory queue that a stop loses; here an event is written
 * synchronously, so none is lost:
 * <ul>
 *   <li>inside the write it records, when there is one: it commits with the data, or disappears with it when the
 *       write is rolled back (the refusal is then recorded on its own, see {@link RefusedRequestAudit});</li>
 *   <li>in its own transaction otherwise (reads, searches, refusals).</li>
 * </ul>
 */
@Component
public class AuditLog implements IBalpAuditEventSink {

	private final DaoRegistry daoRegistry;
	private final IHapiTransactionService transactions;

	public AuditLog(DaoRegistry daoRegistry, IHapiTransactionService transactions) {
		this.daoRegistry = daoRegistry;
		this.transactions = transactions;
	}

	@Override
	public void recordAuditEvent(AuditEvent event) {
		if (TransactionSynchronizationManager.isActualTransactionActive() && !TransactionSynchronizationManager.isCurrentTransactionReadOnly()) {
			store(event);
		} else {
			recordOnItsOwn(event);
		}
	}

	/** In a transaction of its own: for a refusal, whose request's own transaction has been rolled back. */
	public void recordOnItsOwn(AuditEvent event) {
		transactions.withSystemRequest().withPropagation(Propagation.REQUIRES_NEW).execute(() -> store(event));
	}

	private void store(AuditEvent event) {
		if (event.getAction() == AuditEvent.AuditEventAction.D) {
			nameTheDeletedByIdentifier(event);
		}
		daoRegistry.getResourceDao(AuditEvent.class).create(event, new SystemRequestDetails());
	}

	/**
	 * A deletion's event cannot reference what it deletes (the server refuses references to deleted resources), so
	 * it names it by identifier ({@code https://yilian.health/fhir/sid/resource|Patient/123}) instead; auditors find
	 * deletions with {@code AuditEvent?action=D}.
	 */
	private static void nameTheDeletedByIdentifier(AuditEvent event) {
		event.getEntity().stream()
				.filter(e -> BalpConstants.CS_OBJECT_ROLE_4_DOMAIN_RESOURCE.equals(e.getRole().getCode()) && e.getWhat().hasReference())
				.map(e -> e.getWhat().getReference())
				.findFirst()
				.ifPresent(deleted -> event.getEntity().stream()
						.filter(e -> deleted.equals(e.getWhat().getReference()))
						.forEach(e -> e.setWhat(new Reference().setIdentifier(new Identifier().setSystem(DELETED).setValue(deleted)).setDisplay(deleted))));
	}

	static final String DELETED = "https://yilian.health/fhir/sid/resource";
}
