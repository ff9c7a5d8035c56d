package health.yilian.server;

import static health.yilian.server.RuleViolation.refuse;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.storage.TransactionDetails;
import ca.uhn.fhir.util.IModelVisitor2;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.DecimalType;
import org.springframework.stereotype.Component;

/**
 * A decimal the database can hold: FHIR's decimal has no range, but HAPI indexes each as a double, and a value beyond
 * a double's range ({@code 1e999}) failed the write with a 500 ("Infinite or NaN"). Refused with 422 naming the
 * element ({@code yl-decimal-range}).
 */
@Component
public class DecimalRange extends WriteRule {

	private final FhirContext fhirContext;

	public DecimalRange(FhirContext fhirContext) {
		this.fhirContext = fhirContext;
	}

	@Override
	protected void check(IBaseResource resource, RequestDetails request, TransactionDetails transaction) {
		fhirContext.newTerser().visit(resource, new IModelVisitor2() {
			@Override
			public boolean acceptElement(IBase element, List<IBase> containingElementPath, List<BaseRuntimeChildDefinition> childDefinitionPath,
					List<BaseRuntimeElementDefinition<?>> elementDefinitionPath) {
				if (element instanceof DecimalType decimal && decimal.getValue() != null && !Double.isFinite(decimal.getValue().doubleValue())) {
					String path = resource.fhirType() + childDefinitionPath.stream().map(c -> "." + c.getElementName()).reduce("", String::concat);
					throw refuse("yl-decimal-range", path, decimal.getValueAsString() + " is beyond the range this server stores (about ±1.8e308)");
				}
				return true;
			}
		});
	}
}
