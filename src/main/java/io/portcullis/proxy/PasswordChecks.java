package io.portcullis.proxy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where passwords sent in clear are checked: a key derivation of milliseconds each, which over SCRAM the client
 * would do. A few threads of their own, so a burst of logins cannot take the shared worker pool (the REST API,
 * health checks) or the event loops, and a bound on what waits for them, so it cannot queue without end: past it a
 * login is refused at once (53300), as PostgreSQL refuses one it has no slot for.
 */
final class PasswordChecks {

    /** Checks waiting or running at most; each holds a login's few hundred bytes. */
    static final int MAX_IN_FLIGHT = 256;

    private final WorkerExecutor executor;
    private final AtomicInteger inFlight = new AtomicInteger();

    PasswordChecks(Vertx vertx) {
        // Half the cores, as the wire's event loops (ListenerSettings.defaultInstances): checks never take them all.
        this.executor = vertx.createSharedWorkerExecutor("portcullis-password-checks", ListenerSettings.defaultInstances());
    }

    /** Runs {@code check} on the checks' threads; completes on the caller's context. Null when too many are in flight. */
    <T> Future<T> submit(Callable<T> check) {
        if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
            inFlight.decrementAndGet();
            return null;
        }
        return executor.executeBlocking(check, false).onComplete(done -> inFlight.decrementAndGet());
    }
}
