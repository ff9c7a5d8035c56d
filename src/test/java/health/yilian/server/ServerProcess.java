package health.yilian.server;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The server as a process of its own, for what the suite's shared server cannot show: a {@code kill -9}, a restart,
 * a start with other settings. Started from this test run's classpath and the server's main class, with the JVM the
 * server ships with ({@code jvm.options}), on a database of its own ({@link #ownDatabase}); ready when its readiness
 * probe says so.
 */
public record ServerProcess(Process process, String base, Path log) {

	private static final HttpClient HTTP = HttpClient.newHttpClient();
	private static final FhirContext FHIR = FhirContext.forR4Cached();

	/** Starts a node named {@code name} (its audit events' {@code source.site}), with any further {@code --key=value} settings. */
	public static ServerProcess start(Path data, String database, String name, String... settings) throws Exception {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		Path log = data.resolve(name + ".log");
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "@jvm.options",
				"-cp", System.getProperty("java.class.path"), YilianServerApplication.class.getName(),
				"--server.port=" + port, "--yilian.data-dir=" + data, "--yilian.node-name=" + name, "--spring.datasource.url=" + database,
				"--spring.datasource.username=" + user(), "--spring.datasource.password=" + password()));
		command.addAll(List.of(settings));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		ServerProcess server = new ServerProcess(process, "http://localhost:" + port, log);
		Instant deadline = Instant.now().plusSeconds(300);
		while (!server.ready()) {
			if (!process.isAlive() || Instant.now().isAfter(deadline)) {
				process.destroyForcibly();
				throw new IllegalStateException("the server " + name + " did not start: " + server.tail());
			}
			Thread.sleep(500);
		}
		return server;
	}

	private boolean ready() {
		try {
			return HTTP.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health/readiness")).GET().build(),
					HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
		} catch (IOException e) {
			return false;
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/** SIGKILL: the process gets no chance to drain, close or flush anything. */
	public void kill() throws InterruptedException {
		process.destroyForcibly().waitFor();
	}

	/** A token by client_secret_basic, as a demo client gets one. */
	public String token(String client, String secret) throws IOException, InterruptedException {
		HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/oauth2/token"))
				.header("Content-Type", "application/x-www-form-urlencoded")
				.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((client + ":" + secret).getBytes(StandardCharsets.UTF_8)))
				.POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(), HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != 200) {
			throw new IllegalStateException("no token for " + client + ": HTTP " + response.statusCode() + " " + response.body());
		}
		return new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body()).get("access_token").asText();
	}

	/** HAPI's generic client with a bearer token. */
	public IGenericClient client(String bearerToken) {
		FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
		IGenericClient fhir = FHIR.newRestfulGenericClient(base + "/fhir");
		fhir.registerInterceptor(new BearerTokenAuthInterceptor(bearerToken));
		return fhir;
	}

	public HttpResponse<String> get(String path, String bearerToken) throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).GET();
		if (bearerToken != null) {
			request.header("Authorization", "Bearer " + bearerToken);
		}
		return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private String tail() {
		try {
			List<String> lines = Files.readAllLines(log);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
		} catch (IOException e) {
			return "(no log)";
		}
	}

	public static String user() {
		return System.getProperty("spring.datasource.username", "sa");
	}

	public static String password() {
		return System.getProperty("spring.datasource.password", "");
	}

	/**
	 * A database of its own: on PostgreSQL (the suite's {@code -Ppostgres}) a fresh database {@code name} beside the
	 * suite's, otherwise an embedded H2 file under {@code data}, committed as the embedded default commits
	 * ({@code WRITE_DELAY=0}) and open to this test beside the server ({@code AUTO_SERVER}).
	 */
	public static String ownDatabase(Path data, String name) throws Exception {
		String suite = System.getProperty("spring.datasource.url", "");
		if (!suite.startsWith("jdbc:postgresql:")) {
			return "jdbc:h2:file:" + data + "/h2/yilian;WRITE_DELAY=0;AUTO_SERVER=TRUE";
		}
		try (Connection connection = DriverManager.getConnection(suite, user(), password())) {
			connection.createStatement().execute("DROP DATABASE IF EXISTS " + name);
			connection.createStatement().execute("CREATE DATABASE " + name + " ENCODING 'UTF8'");
		}
		return suite.replaceFirst("/[^/?]+(\\?|$)", "/" + name + "$1");
	}
}
