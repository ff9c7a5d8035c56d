package health.yilian.server;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * An in-memory copy of stored resources that forgets them whenever one of its kind is written on this node: now,
 * and again when the write's transaction completes, so that a read racing the write cannot put the old value back.
 */
public abstract class ForgottenOnWrite implements YilianInterceptor {

	/** Whether a write of this resource makes the copy stale. */
	protected abstract boolean holds(IBaseResource resource);

	protected abstract void forget();

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
	public void created(IBaseResource resource) {
		forgetOnCommit(resource);
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
	public void updated(IBaseResource previous, IBaseResource resource) {
		forgetOnCommit(resource);
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
	public void deleted(IBaseResource resource) {
		forgetOnCommit(resource);
	}

	private void forgetOnCommit(IBaseResource resource) {
		if (!holds(resource)) {
			return;
		}
		forget();
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCompletion(int status) {
					forget();
				}
			});
		}
	}
}
