package health.yilian.server;

/**
 * Marks a Spring bean as a HAPI interceptor (an object with {@code @Hook} methods) that the server registers
 * with HAPI's interceptor service. Each capability package declares its own; the wiring stays here.
 */
public interface YilianInterceptor {}
