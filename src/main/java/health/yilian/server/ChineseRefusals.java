package health.yilian.server;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.springframework.stereotype.Component;

/**
 * A refusal is worded in Chinese when the request asks for it ({@code Accept-Language: zh-CN}): each issue begins
 * with what was refused and what to do, in Chinese (by its rule code, {@code yl-…}, or HAPI's message code, from
 * {@code messages/refusals_zh.properties}), then the code and the English text with its specifics, so that nothing
 * is lost in translation; the answer says {@code Content-Language: zh-CN}. Validator findings arrive in Chinese
 * already (guide.ChineseValidationMessages).
 */
@Component
public class ChineseRefusals implements YilianInterceptor {

	private static final Pattern CODE = Pattern.compile("yl-[a-z0-9-]+|HAPI-\\d{4}");
	private static final Properties WORDING = load();

	/** Whether the client asked for Chinese first. */
	public static boolean prefersChinese(RequestDetails request) {
		String language = request == null ? null : request.getHeader("Accept-Language");
		return language != null && language.toLowerCase(Locale.ROOT).trim().startsWith("zh");
	}

	@Hook(Pointcut.SERVER_HANDLE_EXCEPTION)
	public boolean inChinese(RequestDetails request, BaseServerResponseException refusal, HttpServletResponse response) {
		if (!prefersChinese(request)) {
			return true;
		}
		OperationOutcome outcome = refusal.getOperationOutcome() instanceof OperationOutcome given ? given : null;
		if (outcome == null) {
			outcome = new OperationOutcome();
			outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(OperationOutcome.IssueType.PROCESSING)
					.setDiagnostics(refusal.getMessage());
			refusal.setOperationOutcome(outcome);
		}
		for (OperationOutcome.OperationOutcomeIssueComponent issue : outcome.getIssue()) {
			String english = issue.getDiagnostics() == null ? "" : issue.getDiagnostics();
			if (!english.isEmpty() && Character.UnicodeScript.of(english.codePointAt(0)) == Character.UnicodeScript.HAN) {
				continue;
			}
			issue.setDiagnostics(chinese(english, refusal.getStatusCode()) + "：" + english);
		}
		response.setHeader("Content-Language", "zh-CN");
		return true;
	}

	private static String chinese(String english, int status) {
		Matcher code = CODE.matcher(english);
		while (code.find()) {
			String wording = WORDING.getProperty(code.group());
			if (wording == null && code.group().startsWith("yl-membership-")) {
				wording = WORDING.getProperty("yl-membership");
			}
			if (wording != null) {
				return wording;
			}
		}
		if (english.contains("yilian.limits")) {
			return "请求超出服务器的限制（yilian.limits），请按说明分批或缩小后重发";
		}
		if (english.contains("names a key twice")) {
			return "JSON 对象中同一个键出现了两次";
		}
		if (english.contains("request body is not valid")) {
			return "请求正文不是所声明字符集的有效文本，请按声明的字符集编码（或在 Content-Type 中声明 charset）";
		}
		return switch (status) {
			case 400 -> "请求无效";
			case 403 -> "无权执行该操作";
			case 404 -> "资源不存在";
			case 405 -> "不支持该操作";
			case 409 -> "与服务器上的当前状态冲突";
			case 410 -> "资源已删除";
			case 412 -> "前提条件不满足";
			case 413 -> "请求过大";
			case 415 -> "不支持该内容类型";
			case 422 -> "不符合实施指南或医联体的业务规则";
			case 503 -> "数据库暂时不可用，本次请求未完成，请稍后重发（见 Retry-After）";
			default -> status >= 500 ? "服务器暂时无法处理该请求" : "请求被拒绝";
		};
	}

	private static Properties load() {
		Properties wording = new Properties();
		try (Reader in = new InputStreamReader(ChineseRefusals.class.getResourceAsStream("/messages/refusals_zh.properties"),
				StandardCharsets.UTF_8)) {
			wording.load(in);
		} catch (IOException e) {
			throw new IllegalStateException("messages/refusals_zh.properties", e);
		}
		return wording;
	}
}
