package health.yilian.recognition;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.SummaryEnum;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ParamPrefixEnum;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import health.yilian.guide.TaskKind;
import health.yilian.server.YilianOperationProvider;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Task;
import org.springframework.stereotype.Component;

/**
 * The national KPI, recognition rate (互认率 = results recognised ÷ prior results presented), of one member over a
 * period: {@code GET /fhir/Organization/{id}/$recognition-rate?start=2026-01-01&end=2026-12-31}. Every prior
 * result a doctor was presented with is a {@code yilian-recognition-decision} Task owned by the doctor's
 * hospital; the same counts come from
 * {@code Task?code=…/yilian-task-kind|recognition-decision&owner=…&authored-on=ge…&authored-on=le…&_summary=count}
 * with and without {@code business-status=recognised}.
 */
@Component
public class RecognitionRate implements YilianOperationProvider {

	static final String DECISIONS = "https://yilian.health/fhir/CodeSystem/yilian-recognition-decision";

	private final DaoRegistry daoRegistry;

	public RecognitionRate(DaoRegistry daoRegistry) {
		this.daoRegistry = daoRegistry;
	}

	@Operation(name = "$recognition-rate", typeName = "Organization", idempotent = true)
	public Parameters rate(
			@IdParam IdType member,
			@OperationParam(name = "start", min = 1) DateType start,
			@OperationParam(name = "end", min = 1) DateType end) {
		if (end.getValue().before(start.getValue())) {
			throw new InvalidRequestException("end: " + end.getValueAsString() + " is before start " + start.getValueAsString());
		}
		String owner = member.toUnqualifiedVersionless().getValue();
		int presented = count(owner, start, end, null);
		int recognised = count(owner, start, end, "recognised");
		Parameters answer = new Parameters();
		answer.addParameter().setName("presented").setValue(new IntegerType(presented));
		answer.addParameter().setName("recognised").setValue(new IntegerType(recognised));
		answer.addParameter().setName("retested").setValue(new IntegerType(count(owner, start, end, "retested")));
		if (presented > 0) {
			answer.addParameter().setName("rate").setValue(new DecimalType(
					new java.math.BigDecimal(recognised).divide(new java.math.BigDecimal(presented), 4, java.math.RoundingMode.HALF_UP)));
		}
		return answer;
	}

	private int count(String owner, DateType start, DateType end, String decision) {
		SearchParameterMap search = SearchParameterMap.newSynchronous();
		search.add(Task.SP_CODE, TaskKind.RECOGNITION_DECISION.token());
		search.add(Task.SP_OWNER, new ReferenceParam(owner));
		search.add(Task.SP_AUTHORED_ON, new DateRangeParam(new DateParam(ParamPrefixEnum.GREATERTHAN_OR_EQUALS, start.getValueAsString()),
				new DateParam(ParamPrefixEnum.LESSTHAN_OR_EQUALS, end.getValueAsString())));
		if (decision != null) {
			search.add(Task.SP_BUSINESS_STATUS, new TokenParam(DECISIONS, decision));
		}
		search.setSummaryMode(SummaryEnum.COUNT);
		Integer size = daoRegistry.getResourceDao(Task.class).search(search, new SystemRequestDetails()).size();
		return size == null ? 0 : size;
	}
}
