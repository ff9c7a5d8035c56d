package health.yilian.server;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PayloadTooLargeException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.springframework.stereotype.Component;

/**
 * A request body is FHIR text before HAPI parses it: bytes that are not valid in the declared character set (UTF-8
 * unless the Content-Type says otherwise) are refused with the byte where they break, where the servlet's decoder
 * would have stored U+FFFD in their place (王秀英 sent as GB18030 and labelled UTF-8 was read back as mojibake); a JSON
 * object naming a key twice is refused (HAPI's parser keeps the last and drops the other without a word); and no
 * string value may be longer than {@code yilian.limits.max-string-length} characters, attachment data excepted (it is
 * bounded by the body limit), or hold half a character (an unpaired surrogate escape). One streaming pass over the text, holding no tree; HAPI offers no hook inside its own
 * parser for any of the three. The same pass finds the one form of valid FHIR JSON HAPI's parser mishandles
 * ({@link #withNullValuesBesideExtensions}), so that strict means "refuses what is not FHIR".
 */
@Component
public class RequestDecoding implements YilianInterceptor {

	private static final JsonFactory JSON = JsonFactory.builder()
			.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
			// Our own limit below names the element; Jackson's would end the pass first with its own words.
			.streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
			.build();
	/** Decimals keep their digits (1.50 stays 1.50): FHIR decimals carry their precision. */
	private static final ObjectMapper MAPPER = new ObjectMapper(JSON)
			.enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
			.setNodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true));
	private static final XMLInputFactory XML = secureXml();

	private final RequestLimits.Settings limits;

	public RequestDecoding(RequestLimits.Settings limits) {
		this.limits = limits;
	}

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
	public void decodable(RequestDetails request) {
		String contentType = request.getHeader(Constants.HEADER_CONTENT_TYPE);
		if (contentType == null) {
			return;
		}
		String type = contentType.toLowerCase(java.util.Locale.ROOT);
		boolean json = type.contains("json");
		boolean xml = type.contains("xml");
		if (!json && !xml) {
			return; // a form-encoded search or a Binary's own content: not FHIR text
		}
		byte[] body = request.loadRequestContents();
		if (body == null || body.length == 0) {
			return;
		}
		Charset charset = request.getCharset() == null ? StandardCharsets.UTF_8 : request.getCharset();
		String text = decode(body, charset);
		if (json) {
			if (checkJson(text)) {
				request.setRequestContents(withNullValuesBesideExtensions(text, charset));
			}
		} else {
			checkXml(text);
		}
	}

	private static String decode(byte[] body, Charset charset) {
		CharsetDecoder decoder = charset.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT);
		ByteBuffer in = ByteBuffer.wrap(body);
		CharBuffer out = CharBuffer.allocate((int) Math.ceil(body.length * (double) decoder.maxCharsPerByte()) + 1);
		CoderResult result = decoder.decode(in, out, true);
		if (result.isError()) {
			int at = in.position();
			int line = 1;
			for (int i = 0; i < at; i++) {
				if (body[i] == '\n') {
					line++;
				}
			}
			throw new InvalidRequestException("the request body is not valid " + charset.name() + ": byte " + at + " (line " + line
					+ ") begins a malformed sequence (0x" + String.format("%02X", body[at]) + "); send the text encoded as "
					+ charset.name() + (charset.equals(StandardCharsets.UTF_8) ? " (text from a GB18030 or GBK system must be converted,"
							+ " or the Content-Type must say charset=GB18030)" : "") + "; nothing was stored");
		}
		decoder.flush(out);
		out.flip();
		return out.toString();
	}

	/** Whether the text holds a repeating primitive given by its extensions only ({@code "_event": [...]}, no {@code "event"}). */
	private boolean checkJson(String text) {
		boolean extensionsOnly = false;
		try (JsonParser parser = JSON.createParser(new StringReader(text))) {
			// Per open object: its keys, and the "_x" keys whose value is an array.
			Deque<List<String>> keys = new ArrayDeque<>();
			Deque<List<String>> primitiveExtensionArrays = new ArrayDeque<>();
			JsonToken token;
			while ((token = parser.nextToken()) != null) {
				switch (token) {
					case START_OBJECT -> {
						keys.push(new ArrayList<>(8));
						primitiveExtensionArrays.push(new ArrayList<>(0));
					}
					case FIELD_NAME -> {
						keys.peek().add(parser.currentName());
						requireWholeCharacters(parser);
					}
					case START_ARRAY -> {
						String name = parser.currentName();
						if (name != null && name.startsWith("_") && parser.getParsingContext().getParent().inObject()) {
							primitiveExtensionArrays.peek().add(name);
						}
					}
					case END_OBJECT -> {
						List<String> names = keys.pop();
						extensionsOnly |= primitiveExtensionArrays.pop().stream().anyMatch(n -> !names.contains(n.substring(1)));
					}
					case VALUE_STRING -> {
						if (parser.getTextLength() > limits.maxStringLength() && !"data".equals(parser.currentName())) {
							throw tooLong(parser.getParsingContext().pathAsPointer().toString(), parser.getTextLength(),
									position(parser.currentTokenLocation()));
						}
						requireWholeCharacters(parser);
					}
					default -> { }
				}
			}
		} catch (JsonProcessingException e) {
			String message = e.getOriginalMessage();
			if (message != null && message.startsWith("Duplicate field")) {
				throw new InvalidRequestException("the JSON names a key twice in one object, at " + position(e.getLocation()) + ": "
						+ message.replace("Duplicate field", "key") + "; FHIR JSON gives each key once (repeat values go in one array)"
						+ "; nothing was stored");
			}
			// Any other syntax error is HAPI's to answer, in the words it uses for every parse error.
		} catch (IOException e) {
			throw new IllegalStateException(e); // a StringReader does not fail
		}
		return extensionsOnly;
	}

	/**
	 * FHIR JSON gives a repeating primitive that has only extensions as {@code "_event": [{"extension": …}]} with no
	 * {@code "event"} (the specification's own ActivityDefinition and PlanDefinition examples do); HAPI's parser takes
	 * that for a type error and would refuse it, or in lenient mode drop the extensions. The same content with the
	 * values spelled as nulls ({@code "event": [null]}), which FHIR JSON also allows, parses whole.
	 */
	private static byte[] withNullValuesBesideExtensions(String text, Charset charset) {
		try {
			JsonNode tree = MAPPER.readTree(text);
			spellNullValues(tree);
			return MAPPER.writeValueAsString(tree).getBytes(charset);
		} catch (JsonProcessingException e) {
			throw new IllegalStateException("parsed once already", e);
		}
	}

	private static void spellNullValues(JsonNode node) {
		if (node instanceof ObjectNode object) {
			List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
			object.fields().forEachRemaining(fields::add);
			boolean rebuilt = false;
			for (Map.Entry<String, JsonNode> field : fields) {
				String name = field.getKey();
				if (name.startsWith("_") && field.getValue().isArray() && !object.has(name.substring(1))) {
					rebuilt = true;
				}
			}
			if (rebuilt) {
				object.removeAll();
				for (Map.Entry<String, JsonNode> field : fields) {
					String name = field.getKey();
					if (name.startsWith("_") && field.getValue().isArray() && fields.stream().noneMatch(f -> f.getKey().equals(name.substring(1)))) {
						ArrayNode nulls = object.putArray(name.substring(1));
						field.getValue().forEach(e -> nulls.addNull());
					}
					object.set(name, field.getValue());
				}
			}
			fields.forEach(f -> spellNullValues(f.getValue()));
		} else if (node instanceof ArrayNode array) {
			array.forEach(RequestDecoding::spellNullValues);
		}
	}

	private void checkXml(String text) {
		try {
			XMLStreamReader reader = XML.createXMLStreamReader(new StringReader(text));
			try {
				while (reader.hasNext()) {
					if (reader.next() == XMLStreamConstants.START_ELEMENT && !"data".equals(reader.getLocalName())) {
						String value = reader.getAttributeValue(null, "value");
						if (value != null && value.length() > limits.maxStringLength()) {
							throw tooLong(reader.getLocalName(), value.length(),
									"line " + reader.getLocation().getLineNumber() + ", column " + reader.getLocation().getColumnNumber());
						}
					}
				}
			} finally {
				reader.close();
			}
		} catch (XMLStreamException e) {
			// Malformed XML, a DTD, an entity: HAPI's parser refuses it in its own words.
		}
	}

	/**
	 * A string escaped into half a character ({@code "\ud800"} alone): JSON's escapes allow it, Unicode text does not,
	 * and the database refused to store it (a 500). Refused here with where it is.
	 */
	private static void requireWholeCharacters(JsonParser parser) throws IOException {
		char[] text = parser.getTextCharacters();
		int end = parser.getTextOffset() + parser.getTextLength();
		for (int i = parser.getTextOffset(); i < end; i++) {
			char c = text[i];
			if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(text[i + 1])) {
				i++;
			} else if (Character.isSurrogate(c)) {
				throw new InvalidRequestException(parser.getParsingContext().pathAsPointer() + ": the string at "
						+ position(parser.currentTokenLocation()) + " holds half a character (an unpaired surrogate, \\u"
						+ String.format("%04x", (int) c) + "); send whole characters (a pair \\ud83d\\ude00, or the character itself)"
						+ "; nothing was stored");
			}
		}
	}

	private PayloadTooLargeException tooLong(String element, int length, String position) {
		return new PayloadTooLargeException(element + ": a string of " + length + " characters (at " + position
				+ ") is longer than this server accepts (" + limits.maxStringLength()
				+ " characters, yilian.limits.max-string-length); a document belongs in an attachment's data or a Binary");
	}

	private static String position(JsonLocation location) {
		return "line " + location.getLineNr() + ", column " + location.getColumnNr();
	}

	private static XMLInputFactory secureXml() {
		XMLInputFactory factory = XMLInputFactory.newFactory();
		factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
		factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
		return factory;
	}
}
