package health.yilian.audit;

import ca.uhn.fhir.storage.interceptor.balp.IBalpAuditEventSink;
import ca.uhn.fhir.storage.interceptor.balp.BalpConstants;
import org.hl7.fhir.r4.model.AuditEvent;
import org.springframework.stereotype.Component;

/**
 * Where audit events go: the FHIR database itself, as AuditEvent resources auditors search like any other
 * ({@code AuditEvent?entity=DiagnosticReport/123}, {@code ?agent=Organization/…&date=…}), through the {@link
 * AuditOutbox}, so none is lost:
 * <ul>
 *   <li>inside the write it records, when there is one: it commits with the data, or disappears with it when the
 *       write is rolled back (the refusal is then recorded on its own, see {@link RefusedRequestAudit});</li>
 *   <li>on its own otherwise (reads, searches, refusals).</li>
 * </ul>
 */
@Component
public class AuditLog implements IBalpAuditEventSink {

	private final AuditOutbox outbox;
	private final String node;

	/** @param node the node that answered, as events name it ({@code source.site}); the host name when not configured */
	public AuditLog(AuditOutbox outbox, @org.springframework.beans.factory.annotation.Value("${yilian.node-name:}") String node,
			java.time.Clock clock) {
		this.outbox = outbox;
		this.node = node.isBlank() ? hostName() : node;
		this.clock = clock;
	}

	private final java.time.Clock clock;

	@Override
	public void recordAuditEvent(AuditEvent event) {
		// HAPI's capture stamps its events with the host's time; every event is recorded by the server's one clock.
		event.setRecorded(java.util.Date.from(clock.instant()));
		if (event.getAction() == AuditEvent.AuditEventAction.D) {
			nameTheDeletedByIdentifier(event);
		}
		outbox.append(describeContained(fromThisNode(event)));
	}

	/** On its own: for a refusal, whose request's own transaction has been rolled back. */
	public void recordOnItsOwn(AuditEvent event) {
		outbox.appendOnItsOwn(describeContained(fromThisNode(event)));
	}

	/** Which node answered: with several behind a load balancer, an auditor (or an operator) needs to know. */
	private AuditEvent fromThisNode(AuditEvent event) {
		event.getSource().setSite(node);
		return event;
	}

	private static String hostName() {
		try {
			return java.net.InetAddress.getLocalHost().getHostName();
		} catch (java.net.UnknownHostException e) {
			return "unknown";
		}
	}

	/**
	 * A resource contained in another (a result's {@code subject} {@code #newborn}) has no id of its own outside it, and a
	 * reference {@code #newborn} in the event would point at nothing the event contains, which HAPI refuses to encode
	 * (HAPI-2724: the write it audits failed with it). The event names it in words; the containing resource is its entity.
	 */
	private static AuditEvent describeContained(AuditEvent event) {
		event.getEntity().stream().filter(e -> e.getWhat().hasReference() && e.getWhat().getReference().startsWith("#"))
				.forEach(e -> e.setWhat(new org.hl7.fhir.r4.model.Reference().setDisplay("contained resource " + e.getWhat().getReference())));
		return event;
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
						.forEach(e -> e.setWhat(AuditOutbox.byIdentifier(deleted))));
	}
}
