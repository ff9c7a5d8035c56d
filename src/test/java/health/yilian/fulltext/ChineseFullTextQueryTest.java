package health.yilian.fulltext;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The rewrite rule itself; {@link ChineseFullTextSearchTest} proves what it means for searches. */
class ChineseFullTextQueryTest {

	@Test
	void chineseWordsBecomePhrasesAndOtherWordsStayPrefixes() {
		assertThat(ChineseFullTextQuery.toLuceneQuery("肺结节")).isEqualTo("\"肺结节\"");
		assertThat(ChineseFullTextQuery.toLuceneQuery("CT 肺结节")).isEqualTo("CT* \"肺结节\"");
	}

	@Test
	void valuesWithoutChineseOrWrittenInQuerySyntaxAreLeftAlone() {
		assertThat(ChineseFullTextQuery.toLuceneQuery("nodule")).isEqualTo("nodule");
		assertThat(ChineseFullTextQuery.toLuceneQuery("\"肺 结节\"")).isEqualTo("\"肺 结节\"");
		assertThat(ChineseFullTextQuery.toLuceneQuery("肺结*")).isEqualTo("肺结*");
	}
}
