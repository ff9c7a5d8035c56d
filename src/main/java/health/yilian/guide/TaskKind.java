package health.yilian.guide;

import ca.uhn.fhir.rest.param.TokenParam;
import org.hl7.fhir.r4.model.Task;

/**
 * The kinds of Task the guide defines ({@code yilian-task-kind}): which one a Task is decides its profile and the
 * rules that apply to it, so every rule asks here.
 */
public enum TaskKind {
	REFERRAL("referral"),
	CANCELLATION_REQUEST("cancellation-request"),
	RECOGNITION_DECISION("recognition-decision");

	public static final String SYSTEM = YilianGuide.CANONICAL + "/CodeSystem/yilian-task-kind";

	private final String code;

	TaskKind(String code) {
		this.code = code;
	}

	public boolean of(Task task) {
		return task.getCode().getCoding().stream().anyMatch(c -> SYSTEM.equals(c.getSystem()) && code.equals(c.getCode()));
	}

	/** For {@code Task?code=}. */
	public TokenParam token() {
		return new TokenParam(SYSTEM, code);
	}
}
