package health.yilian.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OrganizationAffiliation;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/**
 * An integration engineer whose client asks for Chinese reads every refusal in Chinese first: the access policy's
 * (403), the alliance's rules (422), HAPI's parse errors (400); the rule's code and the English specifics follow,
 * and the answer says Content-Language: zh-CN. Without the header the answer stays English.
 */
class ChineseRefusalsTest extends FhirServerTestSupport {

	@Test
	void refusalsOfEveryKindAreWordedInChineseWhenAskedFor() throws Exception {
		DiagnosticReport notOurs = example("DiagnosticReport-lab-report-wang-xiuying", DiagnosticReport.class);
		notOurs.setId((String) null);
		notOurs.getIdentifierFirstRep().setValue(unique("EY-LIS-"));
		notOurs.setPerformer(List.of(new Reference("Organization/deyang-second-peoples-hospital")));
		String lis = "Bearer " + token("deyang-lis", "deyang-lis-demo-secret");
		String report = fhirContext().newJsonParser().encodeResourceToString(notOurs);

		HttpResponse<String> forbidden = send("POST", "/fhir/DiagnosticReport", report, "Authorization", lis, "Accept-Language", "zh-CN,zh;q=0.9");
		assertChinese(forbidden, 403, "本机构", "yl-acts-for");

		OrganizationAffiliation twice = example("OrganizationAffiliation-membership-chengbei-community-health-centre", OrganizationAffiliation.class);
		twice.setId((String) null);
		HttpResponse<String> rule = send("POST", "/fhir/OrganizationAffiliation", fhirContext().newJsonParser().encodeResourceToString(twice),
				"Accept-Language", "zh-CN");
		assertChinese(rule, 422, "成员关系", "yl-membership-overlap");

		HttpResponse<String> parse = send("POST", "/fhir/Patient", "{\"resourceType\":\"Patient\",\"nationalityCode\":\"CN\"}",
				"Accept-Language", "zh-CN");
		assertChinese(parse, 400, "未定义的元素", "nationalityCode");

		HttpResponse<String> english = send("POST", "/fhir/DiagnosticReport", report, "Authorization", lis);
		assertThat(english.statusCode()).isEqualTo(403);
		assertThat(english.headers().firstValue("Content-Language")).isEmpty();
		assertThat(diagnostics(english)).startsWith("yl-acts-for");
	}

	private static void assertChinese(HttpResponse<String> response, int status, String chinese, String specifics) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Language")).contains("zh-CN");
		assertThat(diagnostics(response)).contains(chinese).contains(specifics);
		assertThat(Character.UnicodeScript.of(diagnostics(response).codePointAt(0))).isEqualTo(Character.UnicodeScript.HAN);
	}

	private static String diagnostics(HttpResponse<String> response) {
		return fhirContext().newJsonParser().parseResource(OperationOutcome.class, response.body()).getIssueFirstRep().getDiagnostics();
	}
}
