package health.yilian.audit;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.storage.interceptor.balp.IBalpAuditContextServices;
import health.yilian.security.Caller;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.springframework.stereotype.Component;

/**
 * Who an audit event names: the client (its id under {@code https://yilian.health/fhir/sid/client}) and the
 * organisation it acts for (a real reference, so {@code AuditEvent?agent=Organization/{id}} finds it).
 */
@Component
public class AuditAgents implements IBalpAuditContextServices {

	public static final String CLIENT_SYSTEM = "https://yilian.health/fhir/sid/client";

	@Override
	public Reference getAgentClientWho(RequestDetails request) {
		return client(Caller.of(request));
	}

	@Override
	public Reference getAgentUserWho(RequestDetails request) {
		return user(Caller.of(request));
	}

	/** Relative and versionless, so the event is stored with local references that entity= searches find. */
	@Override
	public String massageResourceIdForStorage(RequestDetails request, IBaseResource resource, IIdType id) {
		return id.toUnqualifiedVersionless().getValue();
	}

	static Reference client(Optional<Caller> caller) {
		String id = caller.map(Caller::clientId).orElse("anonymous");
		return new Reference().setIdentifier(new Identifier().setSystem(CLIENT_SYSTEM).setValue(id)).setDisplay(id);
	}

	static Reference user(Optional<Caller> caller) {
		return caller.filter(c -> c.organization() != null)
				.map(c -> new Reference(c.organization()))
				.orElseGet(() -> client(caller));
	}
}
