package health.yilian.server;

import ca.uhn.fhir.interceptor.api.HookParams;
import ca.uhn.fhir.interceptor.api.IInterceptorBroadcaster;
import ca.uhn.fhir.interceptor.api.Pointcut;
import java.util.List;

/**
 * The interceptor broadcaster each client request carries: the server's pointcuts ({@code SERVER_*}) of the one
 * interceptor service, and nothing else.
 *
 * <p>Why: the REST server and the storage layer share one interceptor service (so that storage hooks also fire for
 * the server's own writes), and HAPI's storage calls every hook of its service and of the request's broadcaster
 * together, without removing duplicates. With the service as the request's broadcaster, every storage hook of a
 * client request ran twice: two BALP audit events per read, every write checked and validated twice. The storage
 * pointcuts reach the service through the storage layer itself, so the request need only carry the server's.
 */
final class ServerPointcutsOnly implements IInterceptorBroadcaster {

	private final IInterceptorBroadcaster service;

	ServerPointcutsOnly(IInterceptorBroadcaster service) {
		this.service = service;
	}

	private static boolean serverSide(Pointcut pointcut) {
		return pointcut.name().startsWith("SERVER_");
	}

	@Override
	public boolean callHooks(Pointcut pointcut, HookParams params) {
		return !serverSide(pointcut) || service.callHooks(pointcut, params);
	}

	@Override
	public Object callHooksAndReturnObject(Pointcut pointcut, HookParams params) {
		return serverSide(pointcut) ? service.callHooksAndReturnObject(pointcut, params) : null;
	}

	@Override
	public boolean hasHooks(Pointcut pointcut) {
		return serverSide(pointcut) && service.hasHooks(pointcut);
	}

	@Override
	public List<IInvoker> getInvokersForPointcut(Pointcut pointcut) {
		return serverSide(pointcut) ? service.getInvokersForPointcut(pointcut) : List.of();
	}
}
