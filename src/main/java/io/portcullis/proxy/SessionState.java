package io.portcullis.proxy;

import io.portcullis.config.DatabaseConfig;
import io.portcullis.config.PoolMode;
import io.portcullis.pool.SessionLender;
import io.portcullis.wire.StartupRequest.StartupMessage;

/**
 * Where a {@link ClientSession} is in its life, each state a record carrying exactly the data valid in it,
 * each way out a named transition. What lasts the whole session (socket, byte streams, cancel key, counts
 * against the limits, the login timer) stays on the session.
 *
 * <pre>
 *                    ┌───────────── SSLRequest 'S' / ClientHello ─────────────┐
 *                    │                                                        ▼
 *  accept ──▶ Startup(tls) ◀──────────── handshake done ─────────────── TlsHandshake(since, timer)
 *                    │   GSSENCRequest ▶ 'N', stays; CancelRequest ▶ routed, ▶ Closed
 *                    │ StartupMessage ──▶ Startup(tls, login): TLS mode, limits, database and user checked
 *                    ▼
 *            Authenticating(login, database, authentication) ──── admin console's name, admin user ──▶ Console(login, console)
 *                    │ AuthenticationOk (user may use the database, under its client cap)
 *                    ▼
 *            Connecting(login, database, authentication, poolMode, lender, since)
 *                    │ the lender's first server connection; ParameterStatus*, BackendKeyData, ReadyForQuery
 *                    ▼
 *            Active(login, database, poolMode, forwarding, timeouts, pendingTermination)
 *                    │ ──(database/user removed mid-transaction, or a drain)──▶ Active(…, pendingTermination = why)
 *                    ▼
 *  every state ── Terminate, close, timeout, refusal (FATAL ErrorResponse) ──▶ Closed(login)
 * </pre>
 *
 * <p>The field holding it is volatile: SHOW CLIENTS reads it from other threads, and a record's final fields
 * come with it whole. A transition allocates one small record; they happen a handful of times per session,
 * never per message or per transaction (the per-transaction lending is {@link Forwarding}'s, which reuses its
 * objects).
 */
sealed interface SessionState {

    /** The client's StartupMessage once it has sent one; null before. */
    default StartupMessage login() {
        return null;
    }

    /**
     * Reading the startup packet (or another one after TLS came up).
     *
     * @param login the StartupMessage while it is being checked, else null
     */
    record Startup(boolean tls, StartupMessage login) implements SessionState {

        /** The state of a session just accepted, in clear. */
        static final Startup IN_CLEAR = new Startup(false, null);
        /** The state of a session just accepted whose stream HTTPS carries (a WebSocket; see {@code ClientStream}). */
        static final Startup SECURED_OUTSIDE = new Startup(true, null);

        Startup checking(StartupMessage message) {
            return new Startup(tls, message);
        }

        TlsHandshake toTlsHandshake(long sinceNanos, long timer) {
            return new TlsHandshake(sinceNanos, timer);
        }

        Authenticating toAuthenticating(StartupMessage login, DatabaseConfig database, ClientAuthentication authentication) {
            return new Authenticating(login, database, authentication);
        }
    }

    /** The TLS engine reads the handshake; the session waits for it, cut off at the handshake timeout. */
    record TlsHandshake(long sinceNanos, long timer) implements SessionState {

        Startup toStartup() {
            return new Startup(true, null);
        }
    }

    /**
     * The password (or certificate) exchange.
     *
     * @param database null when the client asked for the admin console
     */
    record Authenticating(StartupMessage login, DatabaseConfig database, ClientAuthentication authentication)
            implements SessionState {

        Connecting toConnecting(PoolMode poolMode, SessionLender lender, long sinceNanos) {
            return new Connecting(login, database, authentication, poolMode, lender, sinceNanos);
        }

        Console toConsole(AdminConsole.Connection console) {
            return new Console(login, console);
        }
    }

    /** Logged in; waiting for the first server connection (the client's reads are paused). */
    record Connecting(StartupMessage login, DatabaseConfig database, ClientAuthentication authentication, PoolMode poolMode,
                      SessionLender lender, long sinceNanos) implements SessionState {

        Active toActive(Forwarding forwarding, SessionTimeouts timeouts) {
            return new Active(login, database, poolMode, forwarding, timeouts, null);
        }
    }

    /**
     * Bytes flow both ways through {@link Forwarding}.
     *
     * @param pendingTermination why the session must end once its transaction is over, or null
     */
    record Active(StartupMessage login, DatabaseConfig database, PoolMode poolMode, Forwarding forwarding,
                  SessionTimeouts timeouts, String pendingTermination) implements SessionState {

        Active endingAfterTransaction(String why) {
            return new Active(login, database, poolMode, forwarding, timeouts, why);
        }
    }

    /** An administrator's admin console session. */
    record Console(StartupMessage login, AdminConsole.Connection console) implements SessionState {
    }

    /** Over; stragglers are dropped. The login stays for the log line of a verdict that comes late. */
    record Closed(StartupMessage login) implements SessionState {
    }
}
