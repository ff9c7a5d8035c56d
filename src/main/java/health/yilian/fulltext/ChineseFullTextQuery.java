package health.yilian.fulltext;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.model.api.IQueryParameterType;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.param.SpecialParam;
import ca.uhn.fhir.rest.param.StringParam;
import health.yilian.server.YilianInterceptor;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.springframework.stereotype.Component;

/**
 * Makes {@code _content} and {@code _text} find Chinese terms.
 *
 * <p>HAPI turns each word of the value into a prefix query ({@code 肺结节*}), while Lucene's standard tokenizer
 * indexes Chinese one character to a token: no indexed token starts with 肺结节, so nothing is found. A phrase
 * query over those single-character tokens ({@code "肺结节"}) matches the characters only when adjacent, which
 * is exactly "contains the term": 右肺上叶见磨玻璃肺结节 matches, a text holding 肺, 结 and 节 apart does not.
 * Words without Chinese keep HAPI's prefix behaviour, and values already written in Lucene's simple query
 * syntax (quotes, {@code *}, {@code |}, …) are left as the client wrote them.
 *
 * <p>Why a query rewrite and not a CJK bigram analyzer: bigrams alone still need the phrase form (a prefix of
 * three characters matches no bigram) and would double the index for Chinese text; bench/RESULTS.md has the
 * measurements.
 */
@Component
public class ChineseFullTextQuery implements YilianInterceptor {

	private static final List<String> FULL_TEXT_PARAMETERS = List.of(Constants.PARAM_CONTENT, Constants.PARAM_TEXT);

	@Hook(Pointcut.STORAGE_PRESEARCH_REGISTERED)
	public void rewriteChineseTerms(SearchParameterMap searchParameters) {
		for (String name : FULL_TEXT_PARAMETERS) {
			List<List<IQueryParameterType>> andList = searchParameters.get(name);
			if (andList != null) {
				andList.stream().flatMap(List::stream).forEach(ChineseFullTextQuery::rewrite);
			}
		}
	}

	private static void rewrite(IQueryParameterType parameter) {
		if (parameter instanceof StringParam string && !string.isContains() && !string.isExact()) {
			string.setValue(toLuceneQuery(string.getValue()));
		} else if (parameter instanceof SpecialParam special) {
			special.setValue(toLuceneQuery(special.getValue()));
		}
	}

	/** The value as HAPI should hand it to Lucene: Chinese words as phrases, other words as prefixes. */
	static String toLuceneQuery(String value) {
		if (value == null || !containsHan(value) || isLuceneSyntax(value)) {
			return value;
		}
		return Stream.of(value.trim().split("\\s+"))
				.map(word -> containsHan(word) ? '"' + word + '"' : word + '*')
				.collect(Collectors.joining(" "));
	}

	private static boolean containsHan(String value) {
		return value.codePoints().anyMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN);
	}

	private static boolean isLuceneSyntax(String value) {
		return value.startsWith("-") || value.chars().anyMatch(c -> "+|\"()~*'".indexOf(c) >= 0);
	}
}
