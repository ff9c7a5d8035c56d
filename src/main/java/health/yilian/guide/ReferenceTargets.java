package health.yilian.guide;

import static health.yilian.server.RuleViolation.refuse;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.storage.TransactionDetails;
import ca.uhn.fhir.util.FhirTerser;
import health.yilian.membership.MemberRoll;
import health.yilian.server.WriteRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.ElementDefinition;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.springframework.stereotype.Component;

/**
 * The guide's {@code only Reference(...)}: a reference in a profiled resource names a resource of a type the profile
 * allows there, and where the profile names one of the guide's two Organization profiles, an organisation of that
 * kind (a membership's member is a member organisation, never an alliance; its network is an alliance). A recognition
 * decision whose focus was an Observation, and a membership whose member was an alliance, were stored.
 *
 * <p>Our own check, because HAPI's validator checks a reference's target only after fetching it (a read and a parse
 * per reference on every write, and a fetch cannot see the entries of the transaction being stored). Here the type
 * comes from the reference itself, and an organisation's kind from the {@link MemberRoll}'s cache; a reference to a
 * placeholder of the transaction, to a contained resource or to one the server does not hold is left to HAPI.
 */
@Component
public class ReferenceTargets extends WriteRule {

	private static final String CORE = "http://hl7.org/fhir/StructureDefinition/";

	/**
	 * Where a profile constrains a reference's targets: element path, allowed target profiles, the resource types they
	 * are profiles of, and the Organization profiles among them (resolved once, not on every write).
	 */
	private record Constraint(String path, List<String> targetProfiles, List<String> allowedTypes, List<String> organizationProfiles) {}

	private final FhirContext fhirContext;
	private final YilianGuide guide;
	private final MemberRoll roll;
	private final Map<String, List<Constraint>> constraintsByProfile = new ConcurrentHashMap<>();

	public ReferenceTargets(FhirContext fhirContext, YilianGuide guide, MemberRoll roll) {
		this.fhirContext = fhirContext;
		this.guide = guide;
		this.roll = roll;
	}

	@Override
	protected void check(IBaseResource resource, RequestDetails request, TransactionDetails transaction) {
		Optional<String> profile = RequiredProfile.of(resource);
		if (profile.isEmpty()) {
			return;
		}
		FhirTerser terser = fhirContext.newTerser();
		for (Constraint constraint : constraintsByProfile.computeIfAbsent(profile.get(), this::constraints)) {
			for (var value : terser.getValues(resource, constraint.path())) {
				if (value instanceof Reference reference) {
					check(reference.getReference(), constraint, profile.get());
				}
			}
		}
	}

	private void check(String reference, Constraint constraint, String profile) {
		if (reference == null || reference.startsWith("#") || reference.startsWith("urn:") || reference.contains("?")) {
			return;
		}
		String type = new IdType(reference).getResourceType();
		if (type == null) {
			return;
		}
		List<String> allowedTypes = constraint.allowedTypes();
		String profileName = profile.substring(profile.lastIndexOf('/') + 1);
		if (!allowedTypes.contains(type)) {
			throw refuse("yl-reference-target", constraint.path(), reference + " is a " + type + "; " + profileName
					+ " allows only " + String.join(" or ", allowedTypes) + " here (" + names(constraint.targetProfiles()) + ")");
		}
		if ("Organization".equals(type)) {
			List<String> organizationProfiles = constraint.organizationProfiles();
			if (organizationProfiles.contains(CORE + "Organization")) {
				return;
			}
			roll.organization(reference).flatMap(RequiredProfile::of).ifPresent(held -> {
				if (!organizationProfiles.contains(held)) {
					throw refuse("yl-reference-target", constraint.path(), reference + " is held to " + names(List.of(held)) + "; "
							+ profileName + " allows only " + names(organizationProfiles) + " here"
							+ (held.endsWith("/yilian-alliance") ? " (an alliance is not a member organisation)"
									: " (a member organisation is not an alliance)"));
				}
			});
		}
	}

	/** The profile's constrained references, from its differential (the guide's own words). */
	private List<Constraint> constraints(String profile) {
		StructureDefinition definition = guide.resource(StructureDefinition.class, profile);
		Map<String, List<String>> byPath = new LinkedHashMap<>();
		for (ElementDefinition element : definition.getDifferential().getElement()) {
			for (ElementDefinition.TypeRefComponent type : element.getType()) {
				if ("Reference".equals(type.getCode()) && type.hasTargetProfile()) {
					// A choice (source[x]) is read as its Reference form (sourceReference).
					String path = element.getPath().replace("[x]", "Reference");
					byPath.computeIfAbsent(path, p -> new ArrayList<>())
							.addAll(type.getTargetProfile().stream().map(CanonicalType::getValue).toList());
				}
			}
		}
		return byPath.entrySet().stream().map(e -> new Constraint(e.getKey(), List.copyOf(e.getValue()),
				e.getValue().stream().map(this::typeOf).distinct().toList(),
				e.getValue().stream().filter(p -> "Organization".equals(typeOf(p))).toList())).toList();
	}

	private String typeOf(String targetProfile) {
		if (targetProfile.startsWith(CORE)) {
			return targetProfile.substring(CORE.length());
		}
		return guide.resource(StructureDefinition.class, targetProfile).getType();
	}

	private static String names(List<String> profiles) {
		return String.join(", ", profiles.stream().map(p -> p.substring(p.lastIndexOf('/') + 1)).toList());
	}
}
