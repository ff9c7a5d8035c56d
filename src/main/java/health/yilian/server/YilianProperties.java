package health.yilian.server;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Server settings under {@code yilian.*}; every key is in the README's configuration table.
 *
 * @param dataDir folder for the embedded H2 database and, unless {@code luceneDir} says otherwise, the index
 * @param luceneDir Lucene index directory (Hibernate Search local-filesystem backend)
 * @param baseUrl public FHIR base URL written into links and Location headers; empty means "as the request came in"
 * @param schemaUpdate Hibernate schema handling on start ({@code update} creates a fresh schema; {@code validate} or
 *     {@code none} once HAPI's migrator manages the database)
 * @param demoData load the demo alliance when the server starts
 * @param rulesEnabled Yilian's rules, strict parsing and profile validation; {@code false} leaves plain HAPI, which
 *     is what bench/ compares against (never switch it off in production)
 * @param clockSkew how far ahead of the server's clock a result's effective or issued time may be (member systems'
 *     clocks drift); anything later is refused as a time that has not come yet
 */
@ConfigurationProperties("yilian")
public record YilianProperties(
		@DefaultValue("./data") Path dataDir,
		Path luceneDir,
		@DefaultValue("") String baseUrl,
		@DefaultValue("update") String schemaUpdate,
		@DefaultValue("true") boolean demoData,
		@DefaultValue("true") boolean rulesEnabled,
		@DefaultValue("PT5M") java.time.Duration clockSkew) {

	public Path effectiveLuceneDir() {
		return luceneDir != null ? luceneDir : dataDir.resolve("lucene");
	}
}
