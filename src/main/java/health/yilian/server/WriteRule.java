package health.yilian.server;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.storage.TransactionDetails;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * A rule checked on every write, create or update, of a resource as it is about to be stored: once per resource,
 * also for each entry of a transaction, where a refusal rolls the whole transaction back. Subclasses say what they
 * check; the two storage hooks are here once.
 */
public abstract class WriteRule implements YilianInterceptor {

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
	public void created(IBaseResource resource, RequestDetails request, TransactionDetails transaction) {
		check(resource, request, transaction);
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request, TransactionDetails transaction) {
		check(resource, request, transaction);
	}

	/** Throws (see {@link RuleViolation}) when {@code resource} may not be stored. */
	protected abstract void check(IBaseResource resource, RequestDetails request, TransactionDetails transaction);
}
