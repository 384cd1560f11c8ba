package io.portcullis.proxy;

import io.portcullis.config.GatewaySettings;
import io.portcullis.config.LiveSettings;
import io.portcullis.config.SettingDurations;
import io.portcullis.wire.SqlState;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;

import java.time.Duration;

import static io.portcullis.config.RuntimeSettings.CLIENT_IDLE_TIMEOUT;
import static io.portcullis.config.RuntimeSettings.IDLE_TRANSACTION_TIMEOUT;
import static io.portcullis.config.RuntimeSettings.QUERY_TIMEOUT;

/**
 * The timeouts of a logged-in session, PgBouncer's in Portcullis's names:
 * <ul>
 *   <li>{@code clientIdleTimeout}: idle between transactions longer than this, the session ends with
 *       {@code 57P05} (PostgreSQL's idle-session code; PgBouncer: client_idle_timeout);</li>
 *   <li>{@code idleTransactionTimeout}: idle inside a transaction longer than this, the session ends
 *       with {@code 25P03}; the server connection, mid-transaction, is closed rather than reused;</li>
 *   <li>{@code queryTimeout}: a request unanswered for longer than this is cancelled on the backend
 *       (a CancelRequest with the backend's key; PostgreSQL then answers {@code 57014} and the session
 *       goes on). A backend that ignores the cancel (QuestDB does) for {@link #CANCEL_GRACE} gets its
 *       connection closed, and the client a FATAL {@code 57014}.</li>
 * </ul>
 *
 * <p>Cost on the wire path: none here. {@link Forwarding} stamps a last-activity time per chunk and a
 * request start per first unanswered request; this class reads them from at most one Vert.x timer per
 * session. The timer is armed for the earliest moment anything could expire — the current phase's
 * deadline, or a whole timeout of another phase, since a phase entered right now cannot expire any
 * sooner — and re-armed when it fires. With every timeout off there is no timer at all; a settings
 * change re-evaluates every session ({@link #reconsider()}).
 *
 * <p>Runs on the session's event loop only.
 */
final class SessionTimeouts {

    /** How long a backend has to answer a cancelled request before its connection is closed. */
    static final Duration CANCEL_GRACE = Duration.ofSeconds(3);

    private static final long NO_CANCEL = Long.MIN_VALUE;
    private static final long NEVER = Long.MAX_VALUE;

    /** Ends the session with a FATAL error (the session owns the socket and the wording's framing). */
    interface Ending {
        void end(SqlState code, String message);
    }

    private final Vertx vertx;
    private final LiveSettings settings;
    private final Forwarding forwarding;
    private final NetClient cancelClient;
    private final Ending ending;

    private long timer = -1;
    /** The request start ({@link Forwarding#requestSinceNanos()}) a cancel was sent for, or {@link #NO_CANCEL}. */
    private long cancelledRequest = NO_CANCEL;
    private long cancelSentNanos;
    private boolean stopped;

    SessionTimeouts(Vertx vertx, LiveSettings settings, Forwarding forwarding, NetClient cancelClient, Ending ending) {
        this.vertx = vertx;
        this.settings = settings;
        this.forwarding = forwarding;
        this.cancelClient = cancelClient;
        this.ending = ending;
    }

    /** Starts watching (the session just became active). */
    void start() {
        check();
    }

    /** The settings may have changed: look again now. */
    void reconsider() {
        if (!stopped) {
            check();
        }
    }

    /** The session ended. Idempotent. */
    void stop() {
        stopped = true;
        disarm();
    }

    private void check() {
        disarm();
        GatewaySettings s = settings.current();
        long clientIdle = nanos(s.get(CLIENT_IDLE_TIMEOUT));
        long idleInTransaction = nanos(s.get(IDLE_TRANSACTION_TIMEOUT));
        long query = nanos(s.get(QUERY_TIMEOUT));
        long now = System.nanoTime();
        long next;
        switch (forwarding.phase()) {
            case ENDED -> {
                stop();
                return;
            }
            case IDLE -> {
                next = left(clientIdle, now - forwarding.lastActivityNanos());
                if (next <= 0) {
                    ending.end(SqlState.IDLE_SESSION_TIMEOUT, "terminating connection due to idle-session timeout: no request for "
                            + SettingDurations.format(s.get(CLIENT_IDLE_TIMEOUT)) + " (clientIdleTimeout)");
                    return;
                }
            }
            case IN_TRANSACTION -> {
                next = left(idleInTransaction, now - forwarding.lastActivityNanos());
                if (next <= 0) {
                    ending.end(SqlState.IDLE_IN_TRANSACTION_SESSION_TIMEOUT,
                            "terminating connection due to idle-in-transaction timeout: idle in a transaction for "
                                    + SettingDurations.format(s.get(IDLE_TRANSACTION_TIMEOUT)) + " (idleTransactionTimeout)");
                    return;
                }
            }
            case RUNNING -> {
                next = running(query, now, s);
                if (next <= 0) {
                    return;
                }
            }
            default -> next = NEVER; // WAITING: the pool's queue has its own timeout
        }
        // A phase entered just after now cannot expire before its whole timeout.
        next = Math.min(next, Math.min(positive(clientIdle), Math.min(positive(idleInTransaction), positive(query))));
        arm(next);
    }

    /**
     * The running request: cancelled once it is older than the query timeout, the session ended if
     * the cancel is not answered within the grace.
     *
     * @return nanoseconds until the next look, or 0 when the session was ended
     */
    private long running(long query, long now, GatewaySettings s) {
        if (query <= 0) {
            cancelledRequest = NO_CANCEL;
            return NEVER;
        }
        long since = forwarding.requestSinceNanos();
        if (cancelledRequest == since) {
            long graceLeft = CANCEL_GRACE.toNanos() - (now - cancelSentNanos);
            if (graceLeft <= 0) {
                ending.end(SqlState.QUERY_CANCELED, "canceling statement due to query timeout: it ran longer than "
                        + SettingDurations.format(s.get(QUERY_TIMEOUT)) + " (queryTimeout) and the backend did not answer "
                        + "the cancel request within " + SettingDurations.format(CANCEL_GRACE));
                return 0;
            }
            return graceLeft;
        }
        long left = query - (now - since);
        if (left > 0) {
            return left;
        }
        forwarding.cancel(cancelClient);
        cancelledRequest = since;
        cancelSentNanos = now;
        return CANCEL_GRACE.toNanos();
    }

    private void arm(long delayNanos) {
        if (delayNanos == NEVER || stopped) {
            return;
        }
        long millis = Math.max(1, (delayNanos + 999_999) / 1_000_000);
        timer = vertx.setTimer(millis, id -> {
            timer = -1;
            check();
        });
    }

    private void disarm() {
        if (timer != -1) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    /** Nanoseconds left of {@code timeout} after {@code elapsed}; {@link #NEVER} when the timeout is off. */
    private static long left(long timeout, long elapsed) {
        return timeout <= 0 ? NEVER : timeout - elapsed;
    }

    private static long positive(long nanos) {
        return nanos > 0 ? nanos : NEVER;
    }

    private static long nanos(Duration d) {
        return d.toNanos();
    }
}
