package health.yilian.audit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.HookParams;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.interceptor.executor.InterceptorService;
import ca.uhn.fhir.rest.api.InterceptorInvocationTimingEnum;
import ca.uhn.fhir.rest.api.server.IPreResourceShowDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.storage.TransactionDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import ca.uhn.fhir.storage.interceptor.balp.BalpAuditCaptureInterceptor;
import ca.uhn.fhir.storage.interceptor.balp.BalpConstants;
import health.yilian.server.YilianInterceptor;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.springframework.stereotype.Component;

/**
 * IHE Basic Audit Log Patterns: HAPI's own capture ({@link BalpAuditCaptureInterceptor}) of every create, update,
 * delete, read and search a client makes, with the patient-specific profiles when a patient is involved, written
 * to {@link AuditLog}.
 *
 * <p>HAPI's capture expects only client requests (it fails on the server's own reads and writes, which carry no
 * servlet request), while Yilian's hooks share one interceptor service with the storage layer. So the capture sits
 * on an interceptor service of its own, and this class hands it the client requests only: the server's own reads
 * and writes are not disclosures.
 */
@Component
public class BalpAudit implements YilianInterceptor {

	private final IInterceptorService capture = new InterceptorService("balp");
	/** What the request is being shown, while HAPI's capture makes its events for it (in this thread, in this call). */
	private final ThreadLocal<List<IBaseResource>> shownNow = new ThreadLocal<>();
	private final FhirContext fhirContext;

	/** The events HAPI's capture makes for what is being shown, gathered to be judged together. */
	private final ThreadLocal<List<AuditEvent>> madeNow = new ThreadLocal<>();
	private final AuditLog log;

	public BalpAudit(AuditLog log, AuditAgents agents, FhirContext fhirContext) {
		this.fhirContext = fhirContext;
		this.log = log;
		capture.registerInterceptor(new BalpAuditCaptureInterceptor(event -> {
			List<AuditEvent> gathering = madeNow.get();
			if (gathering != null) {
				gathering.add(event);
			} else {
				log.recordAuditEvent(event);
			}
		}, agents));
	}

	@Hook(Pointcut.STORAGE_PRESHOW_RESOURCES)
	public void shown(IPreResourceShowDetails shown, RequestDetails request, ServletRequestDetails client) {
		if (client != null) {
			shownNow.set(shown.getAllResources());
			madeNow.set(new java.util.ArrayList<>());
			try {
				capture.callHooks(Pointcut.STORAGE_PRESHOW_RESOURCES, new HookParams()
						.add(IPreResourceShowDetails.class, shown).add(RequestDetails.class, request).add(ServletRequestDetails.class, client));
				onePerPatient(madeNow.get()).forEach(event -> log.recordAuditEvent(namingWhatWasShown(event)));
			} finally {
				shownNow.remove();
				madeNow.remove();
			}
		}
	}

	/**
	 * HAPI's capture makes one query event per owner of the Patient compartment of what is shown, and takes every
	 * reference of a compartment parameter for an owner: an Observation's {@code performer}, the lab, became a
	 * "patient", and each page of results was counted twice. Events about a patient that is not a Patient are dropped;
	 * when no other remains, one is kept as the plain query it is.
	 */
	private static List<AuditEvent> onePerPatient(List<AuditEvent> made) {
		List<AuditEvent> real = new java.util.ArrayList<>();
		List<AuditEvent> aboutNoPatient = new java.util.ArrayList<>();
		for (AuditEvent event : made) {
			boolean namedAPatient = event.getEntity().stream().anyMatch(BalpAudit::isPatientEntity);
			event.getEntity().removeIf(e -> isPatientEntity(e) && !(e.getWhat().hasReference() && e.getWhat().getReference().startsWith("Patient/")));
			boolean namesAPatient = event.getEntity().stream().anyMatch(BalpAudit::isPatientEntity);
			(namedAPatient && !namesAPatient ? aboutNoPatient : real).add(event);
		}
		return !real.isEmpty() || aboutNoPatient.isEmpty() ? real : List.of(aboutNoPatient.get(0));
	}

	private static boolean isPatientEntity(AuditEvent.AuditEventEntityComponent entity) {
		return BalpConstants.CS_OBJECT_ROLE_1_PATIENT.equals(entity.getRole().getCode());
	}

	/**
	 * BALP's query event names the query and the patient, not what the answer disclosed; so "who was shown this
	 * report?" ({@code AuditEvent?entity=DiagnosticReport/…}) found reads but not searches. Each resource the answer
	 * carried (of that event's patient, when BALP made one event per patient) is named as an entity, and the query
	 * entity says how many were shown.
	 */
	private AuditEvent namingWhatWasShown(AuditEvent event) {
		List<IBaseResource> shown = shownNow.get();
		if (shown == null) {
			return event;
		}
		Optional<String> patient = event.getEntity().stream()
				.filter(e -> BalpConstants.CS_OBJECT_ROLE_1_PATIENT.equals(e.getRole().getCode()) && e.getWhat().hasReference())
				.map(e -> new IdType(e.getWhat().getReference()).toUnqualifiedVersionless().getValue()).findFirst();
		Set<String> named = new HashSet<>();
		event.getEntity().stream().filter(e -> e.getWhat().hasReference())
				.forEach(e -> named.add(new IdType(e.getWhat().getReference()).toUnqualifiedVersionless().getValue()));
		int count = 0;
		for (IBaseResource resource : shown) {
			if (resource == null || resource.getIdElement().getIdPart() == null) {
				continue;
			}
			String id = resource.getIdElement().toUnqualifiedVersionless().getValue();
			if (patient.isPresent() && !patient.get().equals(id) && !ofPatient(resource, patient.get())) {
				continue;
			}
			count++;
			if (named.add(id)) {
				event.addEntity().setWhat(new Reference(id))
						.setType(new Coding(BalpConstants.CS_AUDIT_ENTITY_TYPE, BalpConstants.CS_AUDIT_ENTITY_TYPE_2_SYSTEM_OBJECT, "System Object"))
						.setRole(new Coding(BalpConstants.CS_OBJECT_ROLE, BalpConstants.CS_OBJECT_ROLE_4_DOMAIN_RESOURCE, "Domain Resource"));
			}
		}
		int shownCount = count;
		event.getEntity().stream().filter(e -> BalpConstants.CS_OBJECT_ROLE_24_QUERY.equals(e.getRole().getCode())).findFirst()
				.ifPresent(query -> query.addDetail().setType("shown").setValue(new StringType(Integer.toString(shownCount))));
		return event;
	}

	private boolean ofPatient(IBaseResource resource, String patient) {
		return fhirContext.newTerser().getCompartmentOwnersForResource("Patient", resource, Set.of()).stream()
				.anyMatch(owner -> owner.toUnqualifiedVersionless().getValue().equals(patient));
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
	public void created(IBaseResource resource, RequestDetails request, ServletRequestDetails client, TransactionDetails transaction,
			InterceptorInvocationTimingEnum timing) {
		if (client != null) {
			capture.callHooks(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED, common(new HookParams().add(IBaseResource.class, resource),
					request, client, transaction, timing));
		}
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
	public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request, ServletRequestDetails client,
			TransactionDetails transaction, InterceptorInvocationTimingEnum timing) {
		if (client != null) {
			capture.callHooks(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED, common(new HookParams()
					.add(IBaseResource.class, previous).add(IBaseResource.class, resource), request, client, transaction, timing));
		}
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
	public void deleted(IBaseResource resource, IIdType id, RequestDetails request, ServletRequestDetails client,
			TransactionDetails transaction, InterceptorInvocationTimingEnum timing) {
		if (client != null) {
			capture.callHooks(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED, common(new HookParams()
					.add(IBaseResource.class, resource).add(IIdType.class, id), request, client, transaction, timing));
		}
	}

	private static HookParams common(HookParams params, RequestDetails request, ServletRequestDetails client,
			TransactionDetails transaction, InterceptorInvocationTimingEnum timing) {
		return params.add(RequestDetails.class, request).add(ServletRequestDetails.class, client)
				.add(TransactionDetails.class, transaction).add(InterceptorInvocationTimingEnum.class, timing);
	}
}
