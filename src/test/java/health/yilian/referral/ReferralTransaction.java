package health.yilian.referral;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;

/** What a referring HIS posts: the referral and its Task in one transaction, the Task pointing at the referral. */
public final class ReferralTransaction {

	private static final String REFERRAL = "urn:uuid:4b1e8c2a-7d55-4f0e-9a37-2c6d1e5f8a90";

	private ReferralTransaction() {}

	/** Posts it as {@code his}; returns {referral, task} as {@code Type/id}. */
	public static String[] post(IGenericClient his, ServiceRequest referral, Task task) {
		task.setBasedOn(List.of(new Reference(REFERRAL)));
		task.setFocus(new Reference(REFERRAL));
		Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		transaction.addEntry().setFullUrl(REFERRAL).setResource(referral).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("ServiceRequest");
		transaction.addEntry().setResource(task).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Task");
		Bundle response = his.transaction().withBundle(transaction).execute();
		return new String[] {
			new IdType(response.getEntry().get(0).getResponse().getLocation()).toUnqualifiedVersionless().getValue(),
			new IdType(response.getEntry().get(1).getResponse().getLocation()).toUnqualifiedVersionless().getValue()
		};
	}
}
