package health.yilian.server;

import ca.uhn.fhir.context.FhirContext;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * The FHIR resource types Yilian serves ({@code yilian.resource-types}; empty means every R4 type).
 *
 * <p>HAPI defines a DAO bean for each of the 146 R4 types and its registry instantiates them all at start:
 * with Spring resolving every by-type injection against that many beans, this alone was a quarter of boot
 * time. Alliances exchange a known set of types, so the DAO and provider definitions of the others are removed
 * before anything is created; requests for them get HAPI's usual 404 "unknown resource type".
 */
public class ServedResourceTypes implements BeanDefinitionRegistryPostProcessor {

	/** What alliance members exchange, plus what HAPI itself stores (conformance, terminology, subscriptions). */
	public static final List<String> DEFAULT = List.of(
			// membership, brand rights, directory
			"Organization", "OrganizationAffiliation", "Location", "Endpoint", "HealthcareService",
			"Practitioner", "PractitionerRole", "Consent", "Contract",
			// patients and their care
			"Patient", "RelatedPerson", "Person", "Encounter", "EpisodeOfCare", "Condition", "Procedure",
			"AllergyIntolerance", "MedicationRequest", "MedicationStatement", "Medication", "Immunization",
			"CarePlan", "CareTeam", "Appointment", "Coverage", "Flag", "Goal", "FamilyMemberHistory",
			// referral and consultation
			"ServiceRequest", "Task", "Communication", "CommunicationRequest",
			// results and their recognition
			"DiagnosticReport", "Observation", "Specimen", "ImagingStudy", "Media", "DocumentReference",
			"Composition", "Binary", "QuestionnaireResponse", "Questionnaire",
			// audit and provenance
			"AuditEvent", "Provenance",
			// infrastructure
			"Bundle", "List", "Group", "Basic", "Subscription", "Parameters", "OperationOutcome",
			"StructureDefinition", "CodeSystem", "ValueSet", "ConceptMap", "NamingSystem", "SearchParameter",
			"ImplementationGuide", "OperationDefinition", "CapabilityStatement", "CompartmentDefinition");

	private final Set<String> served;

	ServedResourceTypes(Environment environment) {
		List<String> configured = Binder.get(environment)
				.bind("yilian.resource-types", Bindable.listOf(String.class))
				.orElse(DEFAULT);
		this.served = new TreeSet<>(configured);
	}

	/** Empty means all types. */
	public Set<String> served() {
		return served;
	}

	@Override
	public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) throws BeansException {
		if (served.isEmpty()) {
			return;
		}
		FhirContext r4 = FhirContext.forR4Cached();
		for (String type : r4.getResourceTypes()) {
			if (!served.contains(type)) {
				// Bean names as HAPI's GeneratedDaoAndResourceProviderConfigR4 gives them ("myListResourceRpR4").
				String className = r4.getResourceDefinition(type).getImplementingClass().getSimpleName();
				removeIfPresent(registry, "my" + type + "DaoR4");
				removeIfPresent(registry, "my" + className + "RpR4");
			}
		}
	}

	private static void removeIfPresent(BeanDefinitionRegistry registry, String beanName) {
		if (registry.containsBeanDefinition(beanName)) {
			registry.removeBeanDefinition(beanName);
		}
	}

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {}
}
