package io.portcullis.proxy;

import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The drain on SIGTERM, in three steps:
 * <ol>
 *   <li><b>draining</b>: readiness reports DOWN at once; clients are still accepted for
 *       {@code portcullis.shutdown.delay} so that load balancers notice before anyone is refused. This
 *       is Quarkus's shutdown delay ({@code quarkus.shutdown.delay} is set from ours): it keeps the HTTP
 *       server up to answer the readiness probes, and tells us when it starts;</li>
 *   <li><b>refusing</b>: new logins get {@code 57P03}; sessions in transaction and statement mode end
 *       with {@code 57P01} when their current transaction is over, session-mode sessions when their
 *       client leaves;</li>
 *   <li>after {@code portcullis.shutdown.timeout} every session still open ends with {@code 57P01}.</li>
 * </ol>
 * A second SIGTERM during the drain stops the process at once.
 */
final class Drain {

    private static final Logger LOG = Logger.getLogger(Drain.class);
    /** How often the drain looks whether every session is gone. */
    private static final long POLL_MILLIS = 50;
    /** What sessions still open at the end get, after {@link #FORCED_END_GRACE_MILLIS} to flush it. */
    private static final long FORCED_END_GRACE_MILLIS = 500;
    static final String MESSAGE = "terminating connection due to administrator command: the gateway is shutting down";

    private volatile boolean draining;
    private volatile boolean refusing;

    boolean draining() {
        return draining;
    }

    /** The shutdown delay began: report not ready from now on. */
    void begin() {
        if (!draining) {
            draining = true;
            exitOnSecondSignal();
        }
    }

    boolean refusingNewSessions() {
        return refusing;
    }

    /**
     * Runs the rest of the drain on the calling (shutdown) thread, after the shutdown delay; returns
     * when no session is left or time is up.
     */
    void run(SessionRegistry sessions, ShutdownSettings settings) {
        begin();
        LOG.infof("Draining: refusing new clients; %d session(s) get up to %d s to finish",
                sessions.size(), settings.timeout().toSeconds());
        refusing = true;
        sessions.all().forEach(s -> s.runOnOwnContext(s::drain));
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        while (sessions.size() > 0 && System.nanoTime() < deadline) {
            sleep(Duration.ofMillis(POLL_MILLIS));
        }
        int left = sessions.size();
        if (left > 0) {
            LOG.warnf("Drain timeout: ending %d session(s) with 57P01", left);
            sessions.all().forEach(s -> s.runOnOwnContext(s::endForShutdown));
            sleep(Duration.ofMillis(FORCED_END_GRACE_MILLIS));
        }
        LOG.info("Drain complete");
    }

    /**
     * The JVM is shutting down already, so its own SIGTERM handler would only wait for us; an operator
     * who sends a second SIGTERM wants out now.
     */
    @SuppressWarnings("removal")
    private static void exitOnSecondSignal() {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> {
                LOG.warn("Second SIGTERM during the drain: stopping now");
                Runtime.getRuntime().halt(143);
            });
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            LOG.debugf("Cannot watch for a second SIGTERM: %s", e.getMessage());
        }
    }

    private static void sleep(Duration duration) {
        try {
            TimeUnit.NANOSECONDS.sleep(duration.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
