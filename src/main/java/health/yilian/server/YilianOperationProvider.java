package health.yilian.server;

/**
 * Marks a Spring bean as a HAPI plain provider ({@code @Operation} methods) that the server registers on the FHIR
 * endpoint. Capability packages declare their operations; the wiring stays here.
 */
public interface YilianOperationProvider {}
