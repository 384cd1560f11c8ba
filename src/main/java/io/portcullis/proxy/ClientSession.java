package io.portcullis.proxy;

import io.portcullis.config.DatabaseConfig;
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
    private StartupRequest.StartupMessage startupMessage;
    private DatabaseConfig database;
    private ClientAuthentication authentication;
    private Forwarding forwarding;

    ClientSession(GatewayServices services, NetSocket socket) {
        this.services = services;
        this.socket = socket;
        this.context = Vertx.currentContext();
        this.processId = services.cancels().register(this);
        this.cancelSecret = CancelRegistry.newSecret(services.random());
    }

    void start() {
        loginTimer = services.vertx().setTimer(services.listener().clientLoginTimeout().toMillis(), t -> onLoginTimeout());
        socket.handler(this::onData);
        socket.closeHandler(v -> onClientClosed());
        socket.exceptionHandler(e -> LOG.debugf("client %s: %s", socket.remoteAddress(), e.getMessage()));
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
            ClientSession target = services.cancels().find(cancel.processId(), cancel.secretKey());
            if (target != null) {
                target.context.runOnContext(v -> target.cancelCurrentQuery());
            }
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
        if (direct) {
            services.tls().startDirectTls(socket, startup.remainder()).onComplete(ar -> afterHandshake(ar.succeeded()));
        } else {
            requireNothingPipelined("SSLRequest");
            socket.write(BackendMessages.sslResponse(true));
            services.tls().upgradeAfterSslRequest(socket).onComplete(ar -> afterHandshake(ar.succeeded()));
        }
    }

    private void afterHandshake(boolean ok) {
        if (!ok) {
            closeQuietly();
            return;
        }
        tls = true;
        state = State.STARTUP;
    }

    private void onStartupMessage(StartupRequest.StartupMessage message) {
        startupMessage = message;
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
        String userName = message.user();
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
        forwarding = new Forwarding(socket, context, pool, server, this::onServerLost, this::onClientTerminated);
        state = State.ACTIVE;
        socket.write(greeting);
        Buffer early = authentication.remainder();
        if (early.length() > 0) {
            forwarding.fromClient(early);
        }
        socket.resume();
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

    private void onServerLost() {
        fatal(SqlState.CONNECTION_FAILURE, "the server connection of database \"" + database.name()
                + "\" at " + database.backendAddress() + " was lost");
    }

    private void onClientClosed() {
        end();
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
        services.vertx().cancelTimer(loginTimer);
        services.cancels().unregister(processId, this);
        if (forwarding != null) {
            forwarding.release();
        }
    }

    /** Sends a FATAL ErrorResponse, then closes. */
    private void fatal(SqlState code, String message) {
        if (state == State.CLOSED) {
            return;
        }
        end();
        socket.write(BackendMessages.errorResponse("FATAL", code, message)).onComplete(v -> socket.close());
    }

    private void closeQuietly() {
        end();
        socket.close();
    }
}
