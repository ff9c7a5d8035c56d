package health.yilian.membership;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.hl7.fhir.r4.model.Organization;

/**
 * An organisation and those it is {@code partOf}: 检验科 → 医院, or 村卫生室 → 乡镇卫生院 → 县医院 in a county
 * community. Departments hold QC qualifications but are members, and have a level, through their hospital.
 */
public final class PartOf {

	/** Deep enough for 总院 → 分院 → 乡镇卫生院 → 村卫生室 → department; stops a cycle of bad data. */
	private static final int DEPTH = 5;

	private PartOf() {}

	/** The chain from {@code reference} upwards, as far as {@code read} finds organisations. */
	public static List<Organization> chain(String reference, Function<String, Optional<Organization>> read) {
		List<Organization> chain = new ArrayList<>();
		Optional<Organization> next = reference == null ? Optional.empty() : read.apply(reference);
		while (next.isPresent() && chain.size() < DEPTH) {
			chain.add(next.get());
			next = next.get().hasPartOf() ? read.apply(next.get().getPartOf().getReference()) : Optional.empty();
		}
		return chain;
	}
}
