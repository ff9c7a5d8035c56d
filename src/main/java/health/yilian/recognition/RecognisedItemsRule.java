package health.yilian.recognition;

import static health.yilian.server.RuleViolation.refuse;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.api.server.storage.TransactionDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import health.yilian.server.WriteRule;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.ValueSet;
import org.springframework.stereotype.Component;

/**
 * The items an alliance recognises are a set the server can read ({@code yl-recognition-items}): an alliance names
 * a ValueSet the server holds, and that ValueSet, and every later version of it, lists catalogue items or the
 * alliance's own items each with its validity window. Refused at the write, so that eligibility never meets a set
 * it cannot read.
 */
@Component
public class RecognisedItemsRule extends WriteRule {

	private static final String ALLIANCE_KIND = "https://yilian.health/fhir/CodeSystem/yilian-organization-kind";

	private final RecognitionCatalogue catalogue;
	private final DaoRegistry daoRegistry;

	public RecognisedItemsRule(RecognitionCatalogue catalogue, DaoRegistry daoRegistry) {
		this.catalogue = catalogue;
		this.daoRegistry = daoRegistry;
	}

	@Override
	protected void check(IBaseResource resource, RequestDetails request, TransactionDetails transaction) {
		if (resource instanceof Organization alliance && alliance.getExtensionByUrl(RecognitionCatalogue.ITEMS) != null) {
			checkAlliance(alliance);
		} else if (resource instanceof ValueSet valueSet && valueSet.hasUrl() && isRecognitionSet(valueSet)) {
			try {
				catalogue.expand(valueSet);
			} catch (IllegalArgumentException unusable) {
				throw refuse("yl-recognition-items", "ValueSet.compose", valueSet.getUrl()
						+ " is a set of items an alliance recognises: " + unusable.getMessage());
			}
		}
	}

	private void checkAlliance(Organization alliance) {
		Extension items = alliance.getExtensionByUrl(RecognitionCatalogue.ITEMS);
		String element = "Organization.extension('" + RecognitionCatalogue.ITEMS + "')";
		String canonical = items.getValue() == null ? null : items.getValue().primitiveValue();
		if (canonical == null) {
			return; // the profile reports the missing value
		}
		ValueSet valueSet = catalogue.valueSet(canonical).orElseThrow(() -> refuse("yl-recognition-items", element,
				"no ValueSet " + canonical + " is held here: store the alliance's items first (a ValueSet over " + RecognitionCatalogue.SYSTEM
						+ "), then name its url"));
		try {
			if (catalogue.expand(valueSet).bySystemAndCode().isEmpty()) {
				throw new IllegalArgumentException("it lists no item");
			}
		} catch (IllegalArgumentException unusable) {
			throw refuse("yl-recognition-items", element, canonical + " cannot be the alliance's items: " + unusable.getMessage());
		}
	}

	/** A ValueSet some alliance names as its items, or one that gives items a validity window. */
	private boolean isRecognitionSet(ValueSet valueSet) {
		boolean givesWindows = valueSet.getCompose().getInclude().stream().flatMap(i -> i.getConcept().stream())
				.anyMatch(c -> c.getExtensionByUrl(RecognitionCatalogue.VALIDITY_DAYS) != null);
		if (givesWindows) {
			return true;
		}
		SearchParameterMap alliances = SearchParameterMap.newSynchronous("type", new TokenParam(ALLIANCE_KIND, "alliance"));
		return daoRegistry.getResourceDao(Organization.class).search(alliances, new SystemRequestDetails()).getAllResources().stream()
				.map(Organization.class::cast)
				.map(o -> o.getExtensionByUrl(RecognitionCatalogue.ITEMS))
				.anyMatch(e -> e != null && e.getValue() != null && valueSet.getUrl().equals(e.getValue().primitiveValue().split("\\|")[0]));
	}
}
