package health.yilian.referral;

import health.yilian.guide.YilianGuide;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Type;
import org.springframework.stereotype.Component;

/**
 * The direction of a referral, derived from the two organisations' grades (003): to a higher level is up, to a
 * lower level is down, between equals is lateral; inside a specialty or horizontal alliance lateral is allowed
 * whatever the levels (001, 004). Levels are the {@code level} property of {@code yilian-hospital-grade}.
 */
@Component
public class ReferralDirection {

	static final String GRADES = YilianGuide.CANONICAL + "/CodeSystem/yilian-hospital-grade";

	private final Map<String, Type> levelOfGrade;

	public ReferralDirection(YilianGuide guide) {
		levelOfGrade = guide.conceptProperty(GRADES, "level");
	}

	/** The directions the grades allow; empty when either organisation has no grade. */
	public Set<String> allowed(Organization from, Organization to, boolean lateralAlliance) {
		Set<String> allowed = new TreeSet<>();
		Optional<Integer> fromLevel = level(from);
		Optional<Integer> toLevel = level(to);
		if (fromLevel.isPresent() && toLevel.isPresent()) {
			int compare = Integer.compare(toLevel.get(), fromLevel.get());
			allowed.add(compare > 0 ? "up" : compare < 0 ? "down" : "lateral");
		}
		if (lateralAlliance) {
			allowed.add("lateral");
		}
		return allowed;
	}

	private Optional<Integer> level(Organization organization) {
		return organization.getType().stream().flatMap(t -> t.getCoding().stream())
				.filter(c -> GRADES.equals(c.getSystem()))
				.map(c -> levelOfGrade.get(c.getCode()))
				.filter(java.util.Objects::nonNull)
				.map(level -> ((IntegerType) level).getValue())
				.findFirst();
	}
}
