package health.yilian.audit;

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
import health.yilian.server.YilianInterceptor;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
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

	public BalpAudit(AuditLog log, AuditAgents agents) {
		capture.registerInterceptor(new BalpAuditCaptureInterceptor(log, agents));
	}

	@Hook(Pointcut.STORAGE_PRESHOW_RESOURCES)
	public void shown(IPreResourceShowDetails shown, RequestDetails request, ServletRequestDetails client) {
		if (client != null) {
			capture.callHooks(Pointcut.STORAGE_PRESHOW_RESOURCES, new HookParams()
					.add(IPreResourceShowDetails.class, shown).add(RequestDetails.class, request).add(ServletRequestDetails.class, client));
		}
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
