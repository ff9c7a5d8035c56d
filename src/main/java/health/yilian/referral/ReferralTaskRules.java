package health.yilian.referral;

import static health.yilian.server.RuleViolation.refuse;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import health.yilian.guide.TaskKind;
import health.yilian.guide.YilianGuide;
import health.yilian.membership.Memberships;
import health.yilian.server.ClockConfig;
import health.yilian.server.YilianInterceptor;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseBundle;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.PositiveIntType;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.hl7.fhir.r4.model.Task.TaskStatus;
import org.springframework.stereotype.Component;

/**
 * The life of a referral Task (003, BSeR, Clinical Order Workflows): requested → received → accepted | rejected →
 * in-progress → completed | failed, cancelled before in-progress; after that a cancellation goes through a
 * cancellation-request Task. Any other move is refused with the moves that are allowed. A green-channel referral
 * gets its acceptance deadline ({@code restriction.period.end}) from the alliance's setting when the sender gives
 * none.
 */
@Component
public class ReferralTaskRules implements YilianInterceptor {

	static final String CHANNELS = YilianGuide.CANONICAL + "/CodeSystem/yilian-referral-channel";
	static final String GREEN_CHANNEL_HOURS = YilianGuide.CANONICAL + "/StructureDefinition/yilian-green-channel-acceptance-hours";

	static final Map<TaskStatus, List<TaskStatus>> NEXT = Map.of(
			TaskStatus.DRAFT, List.of(TaskStatus.REQUESTED, TaskStatus.CANCELLED),
			TaskStatus.REQUESTED, List.of(TaskStatus.RECEIVED, TaskStatus.CANCELLED),
			TaskStatus.RECEIVED, List.of(TaskStatus.ACCEPTED, TaskStatus.REJECTED, TaskStatus.CANCELLED),
			TaskStatus.ACCEPTED, List.of(TaskStatus.INPROGRESS, TaskStatus.CANCELLED),
			TaskStatus.INPROGRESS, List.of(TaskStatus.COMPLETED, TaskStatus.FAILED));

	private final DaoRegistry daoRegistry;
	private final Memberships memberships;
	private final ReferralCancellation cancellation;

	public ReferralTaskRules(DaoRegistry daoRegistry, Memberships memberships, ReferralCancellation cancellation) {
		this.daoRegistry = daoRegistry;
		this.memberships = memberships;
		this.cancellation = cancellation;
	}

	private static final String TRANSACTION = ReferralTaskRules.class.getName() + ".transaction";

	/** Keeps the transaction at hand: its entries' requests share the user data, not the bundle. */
	@Hook(Pointcut.STORAGE_TRANSACTION_PROCESSING)
	public void rememberTransaction(IBaseBundle transaction, RequestDetails request) {
		if (request != null) {
			request.getUserData().put(TRANSACTION, transaction);
		}
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
	public void created(IBaseResource resource, RequestDetails request) {
		if (resource instanceof Task task && TaskKind.REFERRAL.of(task)) {
			if (task.getStatus() != TaskStatus.REQUESTED && task.getStatus() != TaskStatus.DRAFT) {
				throw refuse("yl-referral-transition", "Task.status",
						"a referral task starts as requested (or draft), not " + task.getStatus().toCode());
			}
			if (request instanceof ca.uhn.fhir.rest.server.servlet.ServletRequestDetails) {
				// A client's Task; the server's own (the demo alliance, loaded in any order) are the guide's examples.
				requireItsReferralsParties(task, request);
			}
			setGreenChannelDeadline(task, request);
		}
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void updated(IBaseResource previous, IBaseResource resource) {
		if (previous instanceof Task before && resource instanceof Task after && TaskKind.REFERRAL.of(after)
				&& before.getStatus() != after.getStatus()) {
			List<TaskStatus> allowed = NEXT.getOrDefault(before.getStatus(), List.of());
			boolean cancellationAgreed = before.getStatus() == TaskStatus.INPROGRESS && after.getStatus() == TaskStatus.CANCELLED
					&& cancellation.agreed(after.getIdElement().toUnqualifiedVersionless().getValue());
			if (!allowed.contains(after.getStatus()) && !cancellationAgreed) {
				String hint = before.getStatus() == TaskStatus.INPROGRESS && after.getStatus() == TaskStatus.CANCELLED
						? " (once in progress, the sender asks with a yilian-referral-cancellation Task focused on this one; the receiver"
								+ " completes it, then cancels)" : "";
				throw refuse("yl-referral-transition", "Task.status", "a referral task cannot go from "
						+ before.getStatus().toCode() + " to " + after.getStatus().toCode() + "; from "
						+ before.getStatus().toCode() + " it may go to "
						+ (allowed.isEmpty() ? "nothing (it is closed)" : allowed.stream().map(TaskStatus::toCode).toList())
						+ hint);
			}
		}
	}

	/**
	 * A referral Task is its referral's: focused on it, from its requester, to one of its performers, for its patient.
	 * Otherwise a Task could attach to anyone's referral and speak for it (cancel it, or name records as its feedback).
	 */
	private void requireItsReferralsParties(Task task, RequestDetails request) {
		if (!task.hasFocus() || task.getFocus().getReference() == null) {
			throw refuse("yl-referral-focus", "Task.focus", "a referral Task is focused on its referral (a ServiceRequest)");
		}
		ServiceRequest referral = referral(task.getFocus().getReference(), request);
		boolean parties = same(task.getRequester(), referral.getRequester())
				&& referral.getPerformer().stream().anyMatch(p -> same(task.getOwner(), p))
				&& (!task.hasFor() || same(task.getFor(), referral.getSubject()));
		if (!parties) {
			throw refuse("yl-referral-task-parties", "Task.requester", "a referral Task goes from its referral's requester ("
					+ referral.getRequester().getReference() + ") to one of its performers, for its patient ("
					+ referral.getSubject().getReference() + ")");
		}
	}

	/** The same party: equal references, or a placeholder of this transaction and what it stands for. */
	private static boolean same(org.hl7.fhir.r4.model.Reference a, org.hl7.fhir.r4.model.Reference b) {
		String x = a.getReference();
		String y = b.getReference();
		if (x == null || y == null) {
			return x == null && y == null;
		}
		if (x.startsWith("urn:") || y.startsWith("urn:")) {
			return x.equals(y);
		}
		return new IdType(x).toUnqualifiedVersionless().getValue().equals(new IdType(y).toUnqualifiedVersionless().getValue());
	}

	private void setGreenChannelDeadline(Task task, RequestDetails request) {
		if (task.getRestriction().getPeriod().hasEnd() || !task.hasFocus() || !task.hasAuthoredOn()) {
			return;
		}
		ServiceRequest referral = referral(task.getFocus().getReference(), request);
		boolean green = referral.getCategory().stream().flatMap(c -> c.getCoding().stream())
				.anyMatch(c -> CHANNELS.equals(c.getSystem()) && "green".equals(c.getCode()));
		if (!green || !task.hasOwner() || !task.hasRequester()) {
			return;
		}
		LocalDate day = task.getAuthoredOn().toInstant().atZone(ClockConfig.CHINA).toLocalDate();
		acceptanceHours(task.getRequester().getReference(), task.getOwner().getReference(), day).ifPresent(hours ->
				task.getRestriction().getPeriod().setEnd(java.util.Date.from(
						task.getAuthoredOn().toInstant().plus(Duration.ofHours(hours)))));
	}

	/**
	 * The referral the Task is about: stored already, or posted in the same transaction, where at this point the
	 * Task still points at the entry's placeholder ({@code urn:uuid:…}).
	 */
	private ServiceRequest referral(String reference, RequestDetails request) {
		if (reference.startsWith("urn:") && request != null && request.getUserData().get(TRANSACTION) instanceof Bundle transaction) {
			return transaction.getEntry().stream()
					.filter(e -> reference.equals(e.getFullUrl()) && e.getResource() instanceof ServiceRequest)
					.map(e -> (ServiceRequest) e.getResource())
					.findFirst()
					.orElseThrow(() -> refuse("yl-referral-focus", "Task.focus", reference + " is not a ServiceRequest of this transaction"));
		}
		return daoRegistry.getResourceDao(ServiceRequest.class).read(new IdType(reference), new SystemRequestDetails());
	}

	/** The shortest green-channel deadline among the alliances the two share on the day. */
	private Optional<Integer> acceptanceHours(String sender, String receiver, LocalDate day) {
		return memberships.sharedAlliances(sender, receiver, day).stream()
				.map(a -> daoRegistry.getResourceDao(Organization.class).read(new IdType(a), new SystemRequestDetails())
						.getExtensionByUrl(GREEN_CHANNEL_HOURS))
				.filter(java.util.Objects::nonNull)
				.map(e -> ((PositiveIntType) e.getValue()).getValue())
				.min(Integer::compare);
	}
}
