package health.yilian.server;

import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.StringType;

/**
 * Refusal of a write that breaks one of the alliances' rules: 422 with an OperationOutcome naming the rule, the
 * element and, where it helps, the fix. Every capability package refuses this way, so clients see one shape.
 */
public final class RuleViolation {

	private RuleViolation() {}

	public static UnprocessableEntityException refuse(String rule, String element, String message) {
		OperationOutcome outcome = new OperationOutcome();
		outcome.addIssue()
				.setSeverity(OperationOutcome.IssueSeverity.ERROR)
				.setCode(OperationOutcome.IssueType.BUSINESSRULE)
				.setDiagnostics(rule + ": " + message)
				.addExpression(element)
				.getLocation().add(new StringType(element));
		return new UnprocessableEntityException(rule + ": " + message, outcome);
	}
}
