package health.yilian.server;

import static org.assertj.core.api.Assertions.assertThat;

import health.yilian.security.SecurityProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.FileSystemResource;
import org.yaml.snakeyaml.Yaml;

/**
 * The production files say only what the server understands: every variable compose gives the server is a
 * configuration key of the README's table, and the example clients file binds to the server's client settings and
 * has an operator to create the alliance with. Our machines have no Docker engine, so this is their build.
 */
class DeploymentFilesTest {

	@Test
	void everyVariableComposeGivesTheServerIsAConfigurationKeyTheReadmeDocuments() throws Exception {
		Map<String, Object> compose = new Yaml().load(Files.readString(Path.of("docker/compose.yaml")));
		@SuppressWarnings("unchecked")
		Map<String, Object> fhir = (Map<String, Object>) ((Map<String, Object>) compose.get("services")).get("fhir");
		@SuppressWarnings("unchecked")
		Set<String> given = ((Map<String, Object>) fhir.get("environment")).keySet();

		Matcher rows = Pattern.compile("^\\| `[^`]+` \\| `([A-Z0-9_]+)` \\|", Pattern.MULTILINE).matcher(Files.readString(Path.of("README.md")));
		Set<String> documented = rows.results().map(r -> r.group(1)).collect(Collectors.toSet());

		assertThat(documented).as("the README's configuration table").contains("YILIAN_DATA_DIR", "SPRING_DATASOURCE_URL");
		assertThat(given).as("compose's variables for the server, each in the README's table").allSatisfy(v -> assertThat(documented).contains(v));
		assertThat(fhir.get("volumes").toString()).contains("clients.yaml").contains("signing.p12");
	}

	@Test
	void theExampleClientsFileBindsToTheServersClientSettingsAndHasAnOperator() throws Exception {
		List<PropertySource<?>> sources = new YamlPropertySourceLoader().load("clients", new FileSystemResource("docker/clients.example.yaml"));
		Binder binder = new Binder(org.springframework.boot.context.properties.source.ConfigurationPropertySources.from(sources));
		Map<String, SecurityProperties.Client> clients = binder.bindOrCreate("yilian.security.clients",
				org.springframework.boot.context.properties.bind.Bindable.mapOf(String.class, SecurityProperties.Client.class));

		assertThat(clients).isNotEmpty();
		assertThat(clients.values()).anySatisfy(c -> assertThat(c.role()).isEqualTo(SecurityProperties.Role.OPERATOR));
		assertThat(clients.values()).allSatisfy(c -> {
			assertThat(c.jwksUrl()).as("production clients prove themselves with their keys").startsWith("https://");
			assertThat(c.scopes()).isNotEmpty();
		});
	}
}
