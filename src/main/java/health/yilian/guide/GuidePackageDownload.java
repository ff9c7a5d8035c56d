package health.yilian.guide;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * The guide package for download, where an engineer's tools fetch it without a token (HL7 validator
 * {@code -ig {base}/ig/package.tgz}, SUSHI's dependencies, a browser): {@code /ig/package.tgz} is the package this
 * server enforces, {@code /ig/yilian.fhir.alliance-{version}.tgz} the same by its version name. It is the published
 * guide, no record of anyone, and the one path outside {@code /fhir} open without a token besides discovery and health
 * (WebSecurityConfig).
 */
@RestController
public class GuidePackageDownload {

	public static final String PATH = "/ig/package.tgz";

	private final byte[] tgz;
	private final String version;

	public GuidePackageDownload(YilianGuide guide) {
		this.tgz = guide.packageFile();
		this.version = guide.implementationGuide().getVersion();
	}

	@GetMapping(PATH)
	public ResponseEntity<byte[]> current() {
		return ResponseEntity.ok()
				.contentType(MediaType.parseMediaType("application/gzip"))
				.header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + GuidePackage.ID + "-" + version + ".tgz\"")
				.eTag("\"" + version + "\"")
				.cacheControl(CacheControl.noCache())
				.body(tgz);
	}

	@GetMapping("/ig/{name}.tgz")
	public ResponseEntity<byte[]> byVersion(@PathVariable("name") String name) {
		return name.equals(GuidePackage.ID + "-" + version) ? current() : ResponseEntity.notFound().build();
	}
}
