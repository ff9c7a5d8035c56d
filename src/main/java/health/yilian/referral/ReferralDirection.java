package health.yilian.referral;

import health.yilian.membership.HospitalLevels;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.r4.model.Organization;
import org.springframework.stereotype.Component;

/**
 * The direction of a referral, derived from the two organisations' grades (003): to a higher level is up, to a
 * lower level is down, between equals is lateral; inside a specialty or horizontal alliance lateral is allowed
 * whatever the levels (001, 004).
 */
@Component
public class ReferralDirection {

	private final HospitalLevels levels;

	public ReferralDirection(HospitalLevels levels) {
		this.levels = levels;
	}

	/** The directions the grades allow; empty when either organisation has no grade. */
	public Set<String> allowed(Organization from, Organization to, boolean lateralAlliance) {
		Set<String> allowed = new TreeSet<>();
		Optional<Integer> fromLevel = levels.level(from);
		Optional<Integer> toLevel = levels.level(to);
		if (fromLevel.isPresent() && toLevel.isPresent()) {
			int compare = Integer.compare(toLevel.get(), fromLevel.get());
			allowed.add(compare > 0 ? "up" : compare < 0 ? "down" : "lateral");
		}
		if (lateralAlliance) {
			allowed.add("lateral");
		}
		return allowed;
	}
}
