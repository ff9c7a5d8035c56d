package health.yilian.membership;

import health.yilian.guide.YilianGuide;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Type;
import org.springframework.stereotype.Component;

/**
 * A hospital's level (三级, 二级, 一级 …) from its grade: the {@code level} property of {@code yilian-hospital-grade}.
 * Referral direction (up, down, lateral) and the recognition level rule (lower levels recognise higher) both
 * compare levels, so they read them here.
 */
@Component
public class HospitalLevels {

	public static final String GRADES = YilianGuide.CANONICAL + "/CodeSystem/yilian-hospital-grade";

	private final Map<String, Type> levelOfGrade;

	public HospitalLevels(YilianGuide guide) {
		levelOfGrade = guide.conceptProperty(GRADES, "level");
	}

	/** The level of an organisation's grade; empty when it has none (a department, an alliance). */
	public Optional<Integer> level(Organization organization) {
		return organization.getType().stream().flatMap(t -> t.getCoding().stream())
				.filter(c -> GRADES.equals(c.getSystem()))
				.map(c -> levelOfGrade.get(c.getCode()))
				.filter(Objects::nonNull)
				.map(level -> ((IntegerType) level).getValue())
				.findFirst();
	}
}
