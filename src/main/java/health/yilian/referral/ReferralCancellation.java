package health.yilian.referral;

import static health.yilian.server.RuleViolation.refuse;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import health.yilian.guide.TaskKind;
import health.yilian.server.YilianInterceptor;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Task;
import org.hl7.fhir.r4.model.Task.TaskStatus;
import org.springframework.stereotype.Component;

/**
 * Cancelling a referral once the receiver has begun (Clinical Order Workflows' abort Task; CA:eReC: only the sender
 * revokes). The sender posts a {@code yilian-referral-cancellation} Task focused on the referral Task; the receiver
 * completes it (agreed) and then cancels the referral Task, or rejects it. Before in-progress the sender cancels
 * the referral Task directly, so a request then is refused with that advice.
 */
@Component
public class ReferralCancellation implements YilianInterceptor {

	private final DaoRegistry daoRegistry;

	public ReferralCancellation(DaoRegistry daoRegistry) {
		this.daoRegistry = daoRegistry;
	}

	/** Checked when the request is made; the receiver's later answer (completed or rejected) is its own. */
	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
	public void created(IBaseResource resource) {
		if (!(resource instanceof Task cancellation) || !TaskKind.CANCELLATION_REQUEST.of(cancellation)) {
			return;
		}
		Task referral = referralTask(cancellation.getFocus().getReference());
		if (referral.getStatus() != TaskStatus.INPROGRESS) {
			throw refuse("yl-cancellation-in-progress", "Task.focus", referral.getStatus() == TaskStatus.REQUESTED
					|| referral.getStatus() == TaskStatus.RECEIVED || referral.getStatus() == TaskStatus.ACCEPTED
					? "the referral is " + referral.getStatus().toCode() + ", not yet in progress: the sender cancels it directly (status=cancelled)"
					: "the referral is " + referral.getStatus().toCode() + " and can no longer be cancelled");
		}
		if (!same(cancellation.getRequester().getReference(), referral.getRequester().getReference())) {
			throw refuse("yl-cancellation-sender", "Task.requester", "only the sender, " + referral.getRequester().getReference()
					+ ", may ask to cancel this referral");
		}
		if (!same(cancellation.getOwner().getReference(), referral.getOwner().getReference())) {
			throw refuse("yl-cancellation-receiver", "Task.owner", "the request goes to the receiver, " + referral.getOwner().getReference());
		}
	}

	/** Whether the receiver has agreed (completed a cancellation request) to cancel this referral Task. */
	boolean agreed(String referralTask) {
		SearchParameterMap search = SearchParameterMap.newSynchronous();
		search.add(Task.SP_FOCUS, new ReferenceParam(referralTask));
		search.add(Task.SP_CODE, TaskKind.CANCELLATION_REQUEST.token());
		search.add(Task.SP_STATUS, new TokenParam(TaskStatus.COMPLETED.toCode()));
		return !daoRegistry.getResourceDao(Task.class).search(search, new SystemRequestDetails()).isEmpty();
	}

	private Task referralTask(String reference) {
		try {
			Task task = daoRegistry.getResourceDao(Task.class).read(new IdType(reference), new SystemRequestDetails());
			if (TaskKind.REFERRAL.of(task)) {
				return task;
			}
		} catch (ResourceNotFoundException | IllegalArgumentException e) {
			// refused below: the focus must be a stored referral Task
		}
		throw refuse("yl-cancellation-focus", "Task.focus", reference + " is not a stored referral Task");
	}

	private static boolean same(String a, String b) {
		return a != null && b != null && new IdType(a).toUnqualifiedVersionless().getValue().equals(new IdType(b).toUnqualifiedVersionless().getValue());
	}
}
