package health.yilian.referral;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import health.yilian.guide.TaskKind;
import health.yilian.server.YilianInterceptor;
import io.micrometer.core.instrument.MeterRegistry;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Task;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Referrals as an operator follows them ({@code yilian_referrals_total}): each referral Task counted as it enters a
 * state (requested, received, accepted, in-progress, completed, rejected, cancelled, failed), once its write has
 * committed, so a refused or rolled-back move is not counted.
 */
@Component
public class ReferralMetrics implements YilianInterceptor {

	private final MeterRegistry meters;

	public ReferralMetrics(MeterRegistry meters) {
		this.meters = meters;
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
	public void created(IBaseResource resource) {
		if (resource instanceof Task task && TaskKind.REFERRAL.of(task)) {
			countOnCommit(task.getStatus());
		}
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
	public void updated(IBaseResource previous, IBaseResource resource) {
		if (previous instanceof Task before && resource instanceof Task after && TaskKind.REFERRAL.of(after) && before.getStatus() != after.getStatus()) {
			countOnCommit(after.getStatus());
		}
	}

	private void countOnCommit(Task.TaskStatus status) {
		String state = status == null ? "none" : status.toCode();
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					meters.counter("yilian.referrals", "state", state).increment();
				}
			});
		}
	}
}
