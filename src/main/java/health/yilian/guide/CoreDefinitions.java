package health.yilian.guide;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import java.util.List;
import org.hl7.fhir.r4.model.ElementDefinition;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * The FHIR R4 core StructureDefinitions that HAPI's validator checks every write against, as this server holds them.
 *
 * <p>HAPI parses them once per JVM and keeps them for every context; its validator keeps an R5 copy of each beside
 * them (about 125 MB for the two), and the snapshots it generates for the guide's profiles copy the base elements
 * again. An element's definition, comment, requirements and mappings to other standards are documentation the
 * validator never reads (its findings name elements by path and rule). Dropped before any copy is made, the core
 * set alone holds 23 MB less, and the heap that stays live after 8,000 lab bundles is about 310 MB (bench/RESULTS.md,
 * the memory budget in jvm.options). The one place the prose would show is a {@code $snapshot} this server generates,
 * whose inherited elements keep their short description only; the guide's published profiles are untouched.
 */
@Component
public class CoreDefinitions implements SmartInitializingSingleton {

	private static volatile Thread preload;

	private final FhirContext fhirContext;

	public CoreDefinitions(FhirContext fhirContext) {
		this.fhirContext = fhirContext;
	}

	/**
	 * Parses them on a thread of its own, started before Spring. HAPI would otherwise parse them on the main thread
	 * when it builds its search parameter extractor (about 2 s), while the second core idles through Spring's
	 * configuration parsing.
	 */
	public static void preload() {
		Thread thread = new Thread(() -> all(FhirContext.forR4Cached()), "core-definitions-preload");
		thread.setDaemon(true);
		thread.start();
		preload = thread;
	}

	/**
	 * Trimmed once every bean is built and before the first validation makes the R5 copies. HAPI keeps the set that
	 * was parsed last when two threads parse at once, so the preload is awaited first.
	 */
	@Override
	public void afterSingletonsInstantiated() {
		Thread thread = preload;
		if (thread != null) {
			try {
				thread.join();
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
			}
		}
		for (StructureDefinition definition : all(fhirContext)) {
			definition.setText(null);
			definition.setMapping(null);
			trim(definition.getSnapshot().getElement());
			trim(definition.getDifferential().getElement());
		}
	}

	private static List<StructureDefinition> all(FhirContext fhirContext) {
		return new DefaultProfileValidationSupport(fhirContext).fetchAllStructureDefinitions();
	}

	private static void trim(List<ElementDefinition> elements) {
		for (ElementDefinition element : elements) {
			element.setDefinitionElement(null);
			element.setCommentElement(null);
			element.setRequirementsElement(null);
			element.setMapping(null);
		}
	}
}
