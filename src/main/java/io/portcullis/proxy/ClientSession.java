package io.portcullis.proxy;

import io.portcullis.config.DatabaseConfig;
import io.portcullis.config.GatewayConfig;
import io.portcullis.config.PoolMode;
import io.portcullis.config.UserConfig;
import io.portcullis.pool.BackendUnavailable;
import io.portcullis.pool.Pool;
import io.portcullis.pool.ServerConnection;
import io.portcullis.wire.BackendMessages;
import io.portcullis.wire.MessageTypes;
import io.portcullis.wire.ProtocolViolation;
import io.portcullis.wire.SqlState;
import io.portcullis.wire.StartupDecoder;
import io.portcullis.wire.StartupRequest;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.Optional;

/**
 * One client connection, from accept to close. All of its state is touched on its own event loop.
 *
 * <pre>
 *  STARTUP ──SSLRequest──▶ 'S' + TLS ──▶ STARTUP          (GSSENCRequest ▶ 'N'; ClientHello ▶ direct TLS)
 *     │ ──CancelRequest──▶ route to the owning session, close
 *     ▼ StartupMessage (TLS mode, database, user checked)
 *  AUTHENTICATING (SCRAM-SHA-256 or md5, see {@link ClientAuthentication})
 *     ▼ AuthenticationOk
 *  CONNECTING (borrow a server connection from the pool)
 *     ▼ ParameterStatus*, BackendKeyData, ReadyForQuery
 *  ACTIVE (bytes forwarded both ways, see {@link Forwarding}) ──Terminate/close──▶ CLOSED
 * </pre>
 *
 * Every refusal is an {@code ErrorResponse} with a SQLSTATE before the socket closes, never a
 * silently dropped connection.
 */
final class ClientSession {

    private static final Logger LOG = Logger.getLogger(ClientSession.class);

    enum State { STARTUP, TLS_HANDSHAKE, AUTHENTICATING, CONNECTING, ACTIVE, CLOSED }

    private final GatewayServices services;
    private final NetSocket socket;
    private final Context context;
    private final StartupDecoder startup = new StartupDecoder();
    private final int processId;
    private final int cancelSecret;

    private State state = State.STARTUP;
    private boolean tls;
    private long loginTimer = -1;
    private long handshakeTimer = -1;
    /** The client's IP address, or null; counted in {@link ConnectionsPerAddress} while {@link #addressCounted}. */
    private final String clientAddress;
    private boolean addressCounted;
    private StartupRequest.StartupMessage startupMessage;
    private DatabaseConfig database;
    private ClientAuthentication authentication;
    private Forwarding forwarding;
    private String userName;
    /** Why the session must end once its transaction is over (after a live removal), or null. */
    private String pendingTermination;
    private final long acceptedNanos = System.nanoTime();
    private long handshakeStartNanos;
    /** {@code protocol/cipher} once TLS is up, for the connection log. */
    private String tlsDescription = "none";

    ClientSession(GatewayServices services, NetSocket socket) {
        this.services = services;
        this.socket = socket;
        this.context = Vertx.currentContext();
        this.processId = services.sessions().register(this);
        this.cancelSecret = SessionRegistry.newSecret(services.random());
        this.clientAddress = socket.remoteAddress() == null ? null : socket.remoteAddress().hostAddress();
    }

    void start() {
        ConnectionLog.connected(socket.remoteAddress());
        if (!services.connectionsPerAddress().tryOpen(clientAddress)) {
            // In clear and before reading anything, as PostgreSQL answers "too many clients".
            services.events().connectionRefused(GatewayEvents.TOO_MANY_FROM_ADDRESS);
            fatal(SqlState.TOO_MANY_CONNECTIONS, "sorry, too many connections from your address (at most "
                    + services.connectionsPerAddress().limit() + ")");
            return;
        }
        addressCounted = true;
        loginTimer = services.vertx().setTimer(services.listener().clientLoginTimeout().toMillis(), t -> onLoginTimeout());
        socket.handler(this::onData);
        socket.closeHandler(v -> onClientClosed());
        socket.exceptionHandler(e -> LOG.debugf("client %s: %s", socket.remoteAddress(), e.getMessage()));
    }

    void runOnOwnContext(Runnable action) {
        context.runOnContext(v -> action.run());
    }

    int cancelSecret() {
        return cancelSecret;
    }

    private void onData(Buffer chunk) {
        try {
            switch (state) {
                case STARTUP -> onStartupData(chunk);
                case AUTHENTICATING -> authentication.onData(chunk);
                case ACTIVE -> forwarding.fromClient(chunk);
                default -> {
                    // TLS_HANDSHAKE and CONNECTING pause the socket; CLOSED ignores stragglers.
                }
            }
        } catch (ProtocolViolation e) {
            fatal(SqlState.PROTOCOL_VIOLATION, e.getMessage());
        } catch (RuntimeException e) {
            // A bug, not the client's fault: end the connection rather than leave it hanging until a timeout.
            LOG.errorf(e, "client %s: unexpected failure in state %s", socket.remoteAddress(), state);
            fatal(SqlState.INTERNAL_ERROR, "internal error in the gateway");
        }
    }

    private void onStartupData(Buffer chunk) {
        StartupRequest request = startup.offer(chunk);
        if (request == null) {
            return;
        }
        if (request instanceof StartupRequest.SslRequest) {
            startTls(false);
        } else if (request instanceof StartupRequest.DirectTls) {
            startTls(true);
        } else if (request instanceof StartupRequest.GssEncRequest) {
            requireNothingPipelined("GSSENCRequest");
            socket.write(BackendMessages.sslResponse(false));
        } else if (request instanceof StartupRequest.CancelRequest cancel) {
            ClientSession target = services.sessions().find(cancel.processId(), cancel.secretKey());
            if (target != null) {
                target.context.runOnContext(v -> target.cancelCurrentQuery());
            }
            services.events().cancelRequest(target != null);
            closeQuietly();
        } else if (request instanceof StartupRequest.StartupMessage message) {
            onStartupMessage(message);
        }
    }

    /**
     * Bytes that arrive in clear after SSLRequest but before the handshake would be taken as if
     * they had come over TLS (CVE-2021-23214): refuse them.
     */
    private void requireNothingPipelined(String after) {
        if (startup.remainder().length() > 0) {
            throw new ProtocolViolation("unexpected data after " + after);
        }
    }

    private void startTls(boolean direct) {
        if (tls) {
            throw new ProtocolViolation("TLS was already negotiated");
        }
        if (!services.tls().mode().acceptsTls()) {
            if (direct) {
                // A ClientHello cannot be answered in clear; closing is the only honest reply.
                closeQuietly();
                return;
            }
            requireNothingPipelined("SSLRequest");
            socket.write(BackendMessages.sslResponse(false));
            return;
        }
        // No pause here: the TLS engine must keep reading the handshake.
        state = State.TLS_HANDSHAKE;
        handshakeStartNanos = System.nanoTime();
        handshakeTimer = services.vertx().setTimer(services.listener().tlsHandshakeTimeout().toMillis(),
                t -> onHandshakeTimeout());
        if (direct) {
            services.tls().startDirectTls(socket, startup.remainder()).onComplete(ar -> afterHandshake(ar.succeeded()));
        } else {
            requireNothingPipelined("SSLRequest");
            socket.write(BackendMessages.sslResponse(true));
            services.tls().upgradeAfterSslRequest(socket).onComplete(ar -> afterHandshake(ar.succeeded()));
        }
    }

    private void afterHandshake(boolean ok) {
        services.vertx().cancelTimer(handshakeTimer);
        javax.net.ssl.SSLSession session = ok ? services.tls().session(socket) : null;
        String protocol = session == null ? "unknown" : session.getProtocol();
        services.events().tlsHandshake(protocol, ok, System.nanoTime() - handshakeStartNanos);
        if (session != null) {
            tlsDescription = protocol + "/" + session.getCipherSuite();
        }
        if (!ok) {
            closeQuietly();
            return;
        }
        tls = true;
        state = State.STARTUP;
    }

    private void onStartupMessage(StartupRequest.StartupMessage message) {
        startupMessage = message;
        if (services.drain().refusingNewSessions()) {
            fatal(SqlState.CANNOT_CONNECT_NOW, "the gateway is shutting down");
            return;
        }
        if (services.tls().mode().requiresTls() && !tls) {
            fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "TLS required: connect with sslmode=require (or stronger)");
            return;
        }
        if (services.tls().mode().requiresClientCertificate()) {
            String refusal = services.tls().clientCertificateRefusal(socket);
            if (refusal != null) {
                fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, refusal);
                return;
            }
        }
        if (startup.remainder().length() > 0) {
            throw new ProtocolViolation("unexpected data after the startup packet");
        }
        if (message.minorVersion() > 0 || !message.protocolOptions().isEmpty()) {
            // We speak 3.0: the client falls back and ignores the options it asked for.
            socket.write(BackendMessages.negotiateProtocolVersion(0, message.protocolOptions()));
        }
        Optional<DatabaseConfig> db = services.store().current().database(message.database());
        if (db.isEmpty()) {
            fatal(SqlState.INVALID_CATALOG_NAME, "database \"" + message.database() + "\" does not exist");
            return;
        }
        database = db.get();
        userName = message.user();
        UserConfig user = services.store().current().user(userName).orElse(null);
        state = State.AUTHENTICATING;
        authentication = new ClientAuthentication(services, socket, userName, user, this::onAuthenticated, this::fatal);
        authentication.begin();
    }

    private void onAuthenticated(UserConfig user) {
        if (!user.mayUse(database.name())) {
            fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "user \"" + user.name() + "\" is not allowed to connect to database \"" + database.name() + "\"");
            return;
        }
        socket.write(BackendMessages.authenticationOk());
        state = State.CONNECTING;
        socket.pause();
        Optional<Pool> pool = services.pools().pool(database.name());
        if (pool.isEmpty()) {
            fatal(SqlState.INVALID_CATALOG_NAME, "database \"" + database.name() + "\" does not exist");
            return;
        }
        pool.get().acquire().onComplete(ar -> {
            if (state == State.CLOSED) {
                if (ar.succeeded()) {
                    pool.get().release(ar.result(), true);
                }
                return;
            }
            if (ar.failed()) {
                Throwable cause = ar.cause();
                SqlState code = cause instanceof BackendUnavailable u ? u.sqlState() : SqlState.CONNECTION_FAILURE;
                fatal(code, cause.getMessage());
                return;
            }
            activate(pool.get(), ar.result());
        });
    }

    private void activate(Pool pool, ServerConnection server) {
        services.vertx().cancelTimer(loginTimer);
        Buffer greeting = Buffer.buffer(256);
        for (Map.Entry<String, String> p : server.parameters().entrySet()) {
            greeting.appendBuffer(BackendMessages.parameterStatus(p.getKey(), p.getValue()));
        }
        greeting.appendBuffer(BackendMessages.backendKeyData(processId, cancelSecret));
        greeting.appendBuffer(BackendMessages.readyForQuery(MessageTypes.TX_IDLE));
        state = State.ACTIVE;
        pool.traffic().clientLoggedIn();
        ConnectionLog.loginSucceeded(socket.remoteAddress(), database.name(), startupMessage.user(), tlsDescription);
        socket.write(greeting);
        forwarding = new Forwarding(socket, context, pool, database.poolMode(), server, new Forwarding.Ending() {
            @Override
            public void terminated() {
                onClientTerminated();
            }

            @Override
            public void failed(SqlState code, String message) {
                fatal(code, message);
            }

            @Override
            public void betweenTransactions() {
                if (pendingTermination != null) {
                    fatal(SqlState.ADMIN_SHUTDOWN, pendingTermination);
                }
            }
        });
        Buffer early = authentication.remainder();
        if (early.length() > 0) {
            forwarding.fromClient(early);
        }
        socket.resume();
    }

    /**
     * A new configuration: a session whose database or user is gone (or which may no longer use its
     * database) ends with 57P01, at once or after its transaction as configured. Runs on the
     * session's event loop.
     */
    void onConfigChanged(GatewayConfig now) {
        if (state != State.ACTIVE) {
            return;
        }
        String why = null;
        Optional<UserConfig> user = now.user(userName);
        if (now.database(database.name()).isEmpty()) {
            why = "database \"" + database.name() + "\" was removed";
        } else if (user.isEmpty()) {
            why = "user \"" + userName + "\" was removed";
        } else if (!user.get().mayUse(database.name())) {
            why = "user \"" + userName + "\" may no longer use database \"" + database.name() + "\"";
        }
        if (why == null) {
            return;
        }
        String message = "terminating connection due to administrator command: " + why;
        if (services.sessionSettings().onRemoval() == SessionSettings.OnRemoval.AFTER_TRANSACTION && !forwarding.idle()) {
            pendingTermination = message;
        } else {
            fatal(SqlState.ADMIN_SHUTDOWN, message);
        }
    }

    /**
     * The gateway is draining. A session still logging in ends now; one in transaction or statement
     * mode ends after its current transaction; a session-mode session is left to its client until
     * the drain timeout ({@link #endForShutdown()}).
     */
    void drain() {
        if (state == State.CLOSED) {
            return;
        }
        if (state != State.ACTIVE) {
            fatal(SqlState.CANNOT_CONNECT_NOW, "the gateway is shutting down");
        } else if (database.poolMode() != null && database.poolMode() != PoolMode.SESSION) {
            if (forwarding.idle()) {
                fatal(SqlState.ADMIN_SHUTDOWN, Drain.MESSAGE);
            } else {
                pendingTermination = Drain.MESSAGE;
            }
        }
    }

    /** The drain timeout is over: whatever the session is doing, it ends. */
    void endForShutdown() {
        fatal(SqlState.ADMIN_SHUTDOWN, Drain.MESSAGE);
    }

    private void cancelCurrentQuery() {
        if (forwarding != null) {
            forwarding.cancel(services.cancelClient());
        }
    }

    private void onClientTerminated() {
        end();
        closeQuietly();
    }

    private void onClientClosed() {
        end();
    }

    /** A client that stalls its TLS handshake (slowloris) holds an engine and a socket: cut it. */
    private void onHandshakeTimeout() {
        if (state == State.TLS_HANDSHAKE) {
            LOG.debugf("client %s: TLS handshake did not complete within %s", socket.remoteAddress(),
                    services.listener().tlsHandshakeTimeout());
            closeQuietly();
        }
    }

    private void onLoginTimeout() {
        if (state == State.ACTIVE || state == State.CLOSED) {
            return;
        }
        if (state == State.STARTUP && !tls && startupMessage == null) {
            closeQuietly();
            return;
        }
        fatal(SqlState.CONNECTION_FAILURE, "login did not complete within "
                + services.listener().clientLoginTimeout().toSeconds() + " s");
    }

    /** Returns the server connection (if any) and forgets the session. Idempotent. */
    private void end() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        ConnectionLog.disconnected(socket.remoteAddress(), startupMessage == null ? null : startupMessage.database(),
                startupMessage == null ? null : startupMessage.user(), tlsDescription,
                (System.nanoTime() - acceptedNanos) / 1_000_000,
                forwarding == null ? 0 : forwarding.bytesFromClient(), forwarding == null ? 0 : forwarding.bytesToClient());
        services.vertx().cancelTimer(loginTimer);
        services.vertx().cancelTimer(handshakeTimer);
        if (addressCounted) {
            addressCounted = false;
            services.connectionsPerAddress().closed(clientAddress);
        }
        services.sessions().unregister(processId, this);
        if (forwarding != null) {
            forwarding.release();
        }
    }

    /**
     * Sends a FATAL ErrorResponse, then closes. When the client is in the middle of a message from the
     * server, an ErrorResponse would corrupt its stream: then the socket just closes.
     */
    private void fatal(SqlState code, String message) {
        if (state == State.CLOSED) {
            return;
        }
        boolean mayWrite = forwarding == null || forwarding.clientAtFrameBoundary();
        if (state != State.ACTIVE) {
            ConnectionLog.loginFailed(socket.remoteAddress(), startupMessage == null ? null : startupMessage.database(),
                    startupMessage == null ? null : startupMessage.user(), tlsDescription, code, message);
        }
        end();
        if (!mayWrite) {
            socket.close();
            return;
        }
        socket.write(BackendMessages.errorResponse("FATAL", code, message)).onComplete(v -> socket.close());
    }

    private void closeQuietly() {
        end();
        socket.close();
    }
}
