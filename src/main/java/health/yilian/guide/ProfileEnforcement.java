package health.yilian.guide;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.IValidatorModule;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationOptions;
import ca.uhn.fhir.validation.ValidationResult;
import ca.uhn.fhir.rest.api.server.storage.TransactionDetails;
import health.yilian.server.DeferredVerdicts;
import health.yilian.server.WriteRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import jakarta.annotation.PreDestroy;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * Every write of a profiled type must conform to the guide: the profile its type requires ({@link RequiredProfile})
 * and any it claims. A failing write is refused with 422 and an OperationOutcome with one issue per error, each
 * naming the element and the rule, in Chinese when the request asks for it ({@code Accept-Language: zh-CN}).
 *
 * <p>Hooked on storage, not on the HTTP request, so that each entry of a transaction is checked once, as stored,
 * and a rejected entry rolls the whole transaction back. Each validation runs on a pool of one thread per core while
 * HAPI goes on with the request, and is awaited before commit ({@link DeferredVerdicts}). {@code $validate} gives the
 * same verdict: its result is completed with the required profile's findings.
 *
 * <p>Speed: HAPI builds a new core {@code InstanceValidator} for every validation, and its constructor parses the
 * 1.5 MB {@code oidregistry.csv} of org.hl7.fhir.utilities each time: half of all validation time here. Our
 * {@code src/main/resources/oidregistry.csv} shadows it on the classpath with HL7's roots and the code-system OIDs
 * the validator maps to URIs; the full registry only names other OIDs in messages. See bench/RESULTS.md.
 */
@Component
public class ProfileEnforcement extends WriteRule {

	private final FhirContext fhirContext;
	private final FhirValidator validator;
	private final ExecutorService validators;

	public ProfileEnforcement(FhirContext fhirContext, @Qualifier("myInstanceValidator") IValidatorModule instanceValidator) {
		this.fhirContext = fhirContext;
		AtomicInteger threads = new AtomicInteger();
		this.validators = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(), work -> {
			Thread thread = new Thread(work, "profile-validation-" + threads.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
		// HAPI's own instance validator (the one behind $validate), whose chain starts with YilianGuide.
		this.validator = fhirContext.newValidator();
		this.validator.registerValidatorModule(instanceValidator);
	}

	/**
	 * {@code $validate} without {@code profile=} would only check what the resource claims; add what the write checks.
	 * In the specification's Parameters form HAPI validates the Parameters wrapper (every finding comes back twice,
	 * once under {@code Parameters.parameter[0].resource}) and reads a {@code profile} given as {@code valueUri} as
	 * "UriType[…]", a profile nobody has: the resource itself is validated instead, against that profile and the
	 * required one, and that result is the answer, as in the body form.
	 */
	@Hook(Pointcut.VALIDATION_COMPLETED)
	public ValidationResult completeValidate(IBaseResource parsed, String raw, ValidationResult hapiResult) {
		// HAPI validates the raw body when it has one and then passes no parsed resource.
		IBaseResource resource = parsed != null ? parsed : parse(raw);
		if (resource instanceof Parameters parameters && parameters.getParameter("resource") != null) {
			return validateParametersForm(parameters);
		}
		if (resource == null || RequiredProfile.of(resource).isEmpty()) {
			return hapiResult;
		}
		List<SingleValidationMessage> messages = new ArrayList<>(hapiResult.getMessages());
		for (SingleValidationMessage message : validate(resource).getMessages()) {
			if (messages.stream().noneMatch(m -> sameFinding(m, message))) {
				messages.add(message);
			}
		}
		return new ValidationResult(fhirContext, messages);
	}

	private ValidationResult validateParametersForm(Parameters parameters) {
		IBaseResource resource = parameters.getParameter("resource").getResource();
		ValidationOptions options = new ValidationOptions();
		RequiredProfile.of(resource).ifPresent(options::addProfile);
		Parameters.ParametersParameterComponent profile = parameters.getParameter("profile");
		String named = profile != null && profile.getValue() != null ? profile.getValue().primitiveValue() : null;
		if (named != null && !named.isBlank()) {
			options.addProfile(named);
		}
		ValidationResult result = validator.validateWithResult(resource, options);
		// As HAPI's own $validate: a profile the server does not know is an error (resource-operation-validate).
		result.getMessages().stream()
				.filter(m -> org.hl7.fhir.utilities.i18n.I18nConstants.VALIDATION_VAL_PROFILE_UNKNOWN.equals(m.getMessageId()))
				.forEach(m -> m.setSeverity(ResultSeverityEnum.ERROR));
		return result;
	}

	private IBaseResource parse(String raw) {
		if (raw == null || raw.isBlank()) {
			return null;
		}
		try {
			return EncodingEnum.detectEncoding(raw).newParser(fhirContext).parseResource(raw);
		} catch (DataFormatException e) {
			return null; // HAPI's own result already reports why it does not parse
		}
	}

	/**
	 * The resource as it is about to be stored is encoded here and validated on another core while HAPI goes on
	 * storing it and the transaction's other entries; {@link DeferredVerdicts} awaits the verdicts before commit. A lab
	 * bundle's six validations thus run beside each other and beside the storage work instead of one after another.
	 */
	@Override
	protected void check(IBaseResource resource, RequestDetails request, TransactionDetails transaction) {
		Optional<String> profile = RequiredProfile.of(resource);
		if (profile.isEmpty() || ValidateAsWritten.isDryRun(request)) {
			return; // $validate's own result already carries the profile's findings
		}
		// Encoded in the request's thread: HAPI goes on changing the resource (and the ones it references).
		String asStored = fhirContext.newJsonParser().encodeResourceToString(resource);
		String what = resource.fhirType() + " does not conform to " + profile.get();
		boolean chinese = health.yilian.server.ChineseRefusals.prefersChinese(request);
		Supplier<Optional<RuntimeException>> verdict = () -> refusalIfInvalid(asStored, profile.get(), what, chinese);
		if (request == null) {
			// HAPI's own background writes carry no request to keep a verdict with: decided here and now.
			verdict.get().ifPresent(refusal -> {
				throw refusal;
			});
		} else {
			DeferredVerdicts.add(request, CompletableFuture.supplyAsync(verdict, validators));
		}
	}

	private Optional<RuntimeException> refusalIfInvalid(String resource, String profile, String what, boolean chinese) {
		List<SingleValidationMessage> errors = validator.validateWithResult(resource, new ValidationOptions().addProfile(profile)).getMessages().stream()
				.filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL)
				.toList();
		if (errors.isEmpty()) {
			return Optional.empty();
		}
		OperationOutcome outcome = new OperationOutcome();
		for (SingleValidationMessage error : errors) {
			OperationOutcome.OperationOutcomeIssueComponent issue = outcome.addIssue();
			if (error.getMessageId() != null) {
				// Which of the validator's rules, as FHIR names a message's id: what an engineer looks up, what metrics count.
				issue.addExtension("http://hl7.org/fhir/StructureDefinition/operationoutcome-message-id", new StringType(error.getMessageId()));
			}
			issue
					.setSeverity(OperationOutcome.IssueSeverity.ERROR)
					.setCode(OperationOutcome.IssueType.PROCESSING)
					.setDiagnostics(chinese ? ChineseValidationMessages.translate(error) : error.getMessage())
					.addExpression(error.getLocationString())
					.getLocation().add(new StringType(error.getLocationString()));
		}
		String summary = what + ": " + errors.size() + " error(s), the first at " + errors.get(0).getLocationString();
		return Optional.of(new UnprocessableEntityException(summary, outcome));
	}

	private ValidationResult validate(IBaseResource resource) {
		ValidationOptions options = new ValidationOptions();
		RequiredProfile.of(resource).ifPresent(options::addProfile);
		return validator.validateWithResult(resource, options);
	}

	private static boolean sameFinding(SingleValidationMessage a, SingleValidationMessage b) {
		return java.util.Objects.equals(a.getLocationString(), b.getLocationString())
				&& java.util.Objects.equals(a.getMessage(), b.getMessage());
	}

	@PreDestroy
	void stop() {
		validators.shutdownNow();
	}
}
