package io.portcullis.proxy;

import io.portcullis.auth.UserNames;
import io.portcullis.config.DatabaseConfig;
import io.portcullis.config.GatewayConfig;
import io.portcullis.config.PoolMode;
import io.portcullis.config.UserConfig;
import io.portcullis.log.LogText;
import io.portcullis.peer.CancelKeys;
import io.portcullis.net.ClientStream;
import io.portcullis.net.InboundBytes;
import io.portcullis.net.OutboundBytes;
import io.portcullis.net.OwnedBytes;
import io.portcullis.net.TcpStream;
import io.portcullis.pool.BackendUnavailable;
import io.portcullis.pool.Pool;
import io.portcullis.pool.ServerConnection;
import io.portcullis.pool.SessionLender;
import io.portcullis.tls.TlsAlpnChallengeAnswered;
import io.portcullis.wire.BackendMessages;
import io.portcullis.wire.MessageTypes;
import io.portcullis.wire.ProtocolViolation;
import io.portcullis.wire.SqlState;
import io.portcullis.wire.StartupDecoder;
import io.portcullis.wire.StartupRequest;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.Optional;

import static io.portcullis.config.RuntimeSettings.CLIENT_LOGIN_TIMEOUT;
import static io.portcullis.config.RuntimeSettings.MAX_CLIENT_CONNECTIONS;

/**
 * One client connection, from accept to close, over TCP or a WebSocket ({@link ClientStream}). All of its state is touched on its own event loop. Where it
 * is in its life, with the data valid there, is a {@link SessionState} (the diagram is there): startup, TLS
 * handshake, authentication ({@link ClientAuthentication}), connecting, forwarding ({@link Forwarding}) or the
 * admin console ({@link AdminConsole}), closed. This class keeps what lasts the whole session.
 *
 * Every refusal is an {@code ErrorResponse} with a SQLSTATE before the socket closes, never a
 * silently dropped connection.
 */
final class ClientSession {

    private static final Logger LOG = Logger.getLogger(ClientSession.class);

    private final GatewayServices services;
    private final ClientStream socket;
    private final Context context;
    private final StartupDecoder startup = new StartupDecoder();
    /** Set in {@link #start()}: the client's reads, uncopied (see {@link InboundBytes}). */
    private InboundBytes inbound;
    /** Set in {@link #start()}: every write to the client, under backpressure (see {@link OutboundBytes}). */
    private OutboundBytes outbound;
    private final int processId;
    private final int cancelSecret;

    /** Volatile: SHOW CLIENTS reads it from other threads. Each state carries its own data (see {@link SessionState}). */
    private volatile SessionState state = SessionState.Startup.IN_CLEAR;
    private long loginTimer = -1;
    /** The client's IP address, or null; counted in {@link ConnectionsPerAddress} while {@link #addressCounted}. */
    private final String clientAddress;
    private boolean addressCounted;
    private final long acceptedNanos = System.nanoTime();
    /** {@code protocol/cipher} once TLS is up, for the connection log. */
    private volatile String tlsDescription = "none";
    /** The TLS server name (SNI) the client asked for, lower case, or null. */
    private volatile String serverName;
    /** The login timeout this session got (the setting when it was accepted). */
    private java.time.Duration loginTimeout;
    /** Whether this session is counted against maxClientConnections, in all and for its user. */
    private boolean countedInGateway;
    private String countedUser;

    ClientSession(GatewayServices services, ClientStream socket) {
        this.services = services;
        this.socket = socket;
        if (socket.securedOutside()) {
            // HTTPS carries the stream (directly, or to a trusted proxy): the session is as a TLS one from its start.
            state = SessionState.Startup.SECURED_OUTSIDE;
            javax.net.ssl.SSLSession session = socket.tlsSession();
            tlsDescription = session == null ? "https-proxy" : "https/" + session.getProtocol() + "/" + session.getCipherSuite();
            serverName = session == null ? null : TlsServerNames.requested(session);
        }
        this.context = Vertx.currentContext();
        this.processId = services.sessions().register(this);
        this.cancelSecret = SessionRegistry.newSecret(services.random());
        this.clientAddress = socket.remoteAddress() == null ? null : socket.remoteAddress().hostAddress();
    }

    /** Starts a session on a connection just accepted, or closes it when every process id of this replica is taken. */
    static void accept(GatewayServices services, ClientStream stream) {
        ClientSession session;
        try {
            session = new ClientSession(services, stream);
        } catch (IllegalStateException noProcessId) {
            // Every process id of this replica is taken (SessionRegistry): nothing to answer with.
            stream.close();
            return;
        }
        session.start();
    }

    void start() {
        ConnectionLog.connected(socket.remoteAddress(), socket.transport());
        services.events().clientConnected(socket.transport());
        inbound = new InboundBytes(socket, context, this::onData);
        outbound = new OutboundBytes(socket, context, inbound);
        if (!services.connectionsPerAddress().tryOpen(clientAddress)) {
            // In clear and before reading anything, as PostgreSQL answers "too many clients".
            services.events().connectionRefused(GatewayEvents.TOO_MANY_FROM_ADDRESS);
            fatal(SqlState.TOO_MANY_CONNECTIONS, "sorry, too many connections from your address (at most "
                    + services.connectionsPerAddress().limit() + ")");
            return;
        }
        addressCounted = true;
        loginTimeout = services.settings().current().get(CLIENT_LOGIN_TIMEOUT);
        loginTimer = services.vertx().setTimer(loginTimeout.toMillis(), t -> onLoginTimeout());
        socket.closeHandler(v -> onClientClosed());
        socket.exceptionHandler(e -> LOG.debugf("client %s: %s", socket.remoteAddress(), LogText.escape(e.getMessage())));
    }

    void runOnOwnContext(Runnable action) {
        context.runOnContext(v -> action.run());
    }

    /** The context this session runs on (for EventLoopIndependenceTest, which tells the loops apart). */
    Context context() {
        return context;
    }

    /**
     * The context of the server connection the session holds now, or null when it holds none; any thread
     * (for EventLoopIndependenceTest, which checks that a session-mode session's server connection shares its loop).
     */
    Context serverContext() {
        return state instanceof SessionState.Active active ? active.forwarding().serverContext() : null;
    }

    int cancelSecret() {
        return cancelSecret;
    }

    /**
     * Takes each read as {@link InboundBytes} delivers it: forwarding passes it on as it is, the login and
     * console states (which keep partial messages between reads) get a heap copy.
     */
    private void onData(Buffer chunk) {
        SessionState now = state;
        try {
            if (now instanceof SessionState.Active active) { // first: every forwarded read comes this way
                active.forwarding().fromClient(chunk);
            } else if (now instanceof SessionState.Startup startup) {
                onStartupData(startup, OwnedBytes.copyAndRelease(chunk));
            } else if (now instanceof SessionState.Authenticating authenticating) {
                authenticating.authentication().onData(OwnedBytes.copyAndRelease(chunk));
            } else if (now instanceof SessionState.Console console) {
                console.console().onData(OwnedBytes.copyAndRelease(chunk));
            } else {
                // TlsHandshake and Connecting pause the socket; Closed ignores stragglers.
                OwnedBytes.release(chunk);
            }
        } catch (ProtocolViolation e) {
            fatal(SqlState.PROTOCOL_VIOLATION, e.getMessage());
        } catch (RuntimeException e) {
            // A bug, not the client's fault: end the connection rather than leave it hanging until a timeout.
            LOG.errorf(e, "client %s: unexpected failure in state %s", socket.remoteAddress(), now.getClass().getSimpleName());
            fatal(SqlState.INTERNAL_ERROR, "internal error in the gateway");
        }
    }

    private void onStartupData(SessionState.Startup now, Buffer chunk) {
        StartupRequest request = startup.offer(chunk);
        if (request == null) {
            return;
        }
        if (request instanceof StartupRequest.SslRequest) {
            startTls(now, false);
        } else if (request instanceof StartupRequest.DirectTls) {
            startTls(now, true);
        } else if (request instanceof StartupRequest.GssEncRequest) {
            requireNothingPipelined("GSSENCRequest");
            outbound.write(BackendMessages.sslResponse(false));
        } else if (request instanceof StartupRequest.CancelRequest cancel) {
            routeCancel(services, cancel.processId(), cancel.secretKey());
            closeQuietly();
        } else if (request instanceof StartupRequest.StartupMessage message) {
            onStartupMessage(now, message);
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

    private void startTls(SessionState.Startup now, boolean direct) {
        if (!(socket instanceof TcpStream tcp)) {
            // A WebSocket's TLS is the HTTPS around it; inside the stream there is none to start. The TLS mode
            // then decides at the startup packet, as for a client that never asked.
            declineTls(direct);
            return;
        }
        if (now.tls()) {
            throw new ProtocolViolation("TLS was already negotiated");
        }
        if (!services.tls().mode().acceptsTls()) {
            declineTls(direct);
            return;
        }
        // No pause here: the TLS engine must keep reading the handshake.
        long timer = services.vertx().setTimer(services.listener().tlsHandshakeTimeout().toMillis(),
                t -> onHandshakeTimeout());
        SessionState.TlsHandshake handshake = now.toTlsHandshake(System.nanoTime(), timer);
        state = handshake;
        if (direct) {
            services.tls().startDirectTls(tcp.socket(), startup.remainder()).onComplete(ar -> {
                if (ar.cause() instanceof TlsAlpnChallengeAnswered validation) {
                    // An ACME CA validating a name (TLS-ALPN-01), answered and closed: no client, no failed handshake.
                    services.vertx().cancelTimer(handshake.timer());
                    tlsDescription = "acme-tls/1" + (validation.serverName() == null ? "" : " sni="
                            + LogText.escape(validation.serverName())) + (validation.answered() ? "" : " (no challenge waits)");
                    closeQuietly();
                    return;
                }
                afterHandshake(handshake, ar.succeeded());
            });
        } else {
            requireNothingPipelined("SSLRequest");
            outbound.write(BackendMessages.sslResponse(true));
            services.tls().upgradeAfterSslRequest(tcp.socket()).onComplete(ar -> afterHandshake(handshake, ar.succeeded()));
        }
    }

    /** Answers a request for TLS that will not be met: 'N' to an SSLRequest; a direct ClientHello is closed. */
    private void declineTls(boolean direct) {
        if (direct) {
            // A ClientHello cannot be answered in clear; closing is the only honest reply.
            closeQuietly();
            return;
        }
        requireNothingPipelined("SSLRequest");
        outbound.write(BackendMessages.sslResponse(false));
    }

    private void afterHandshake(SessionState.TlsHandshake handshake, boolean ok) {
        services.vertx().cancelTimer(handshake.timer());
        javax.net.ssl.SSLSession session = ok ? socket.tlsSession() : null;
        String protocol = session == null ? "unknown" : session.getProtocol();
        services.events().tlsHandshake(protocol, ok, System.nanoTime() - handshake.sinceNanos());
        if (session != null) {
            serverName = TlsServerNames.requested(session);
            // The name is the client's choice: escaped, as every client-chosen text in a log line.
            tlsDescription = protocol + "/" + session.getCipherSuite()
                    + (serverName == null ? "" : " sni=" + LogText.escape(serverName));
        }
        if (!ok) {
            closeQuietly();
            return;
        }
        if (state == handshake) { // not when the session ended meanwhile (handshake timeout, client gone)
            state = handshake.toStartup();
        }
    }

    private void onStartupMessage(SessionState.Startup before, StartupRequest.StartupMessage sent) {
        // A TLS server name a database lists routes there, whatever database the client named.
        Optional<DatabaseConfig> bySni = services.store().current().databaseForServerName(serverName);
        StartupRequest.StartupMessage message = bySni.map(db -> sent.withDatabase(db.name())).orElse(sent);
        if (before.tls()) {
            services.events().serverNameRoute(bySni.isPresent() ? GatewayEvents.SNI_ROUTED
                    : serverName != null ? GatewayEvents.SNI_UNLISTED : GatewayEvents.SNI_NONE);
        }
        SessionState.Startup now = before.checking(message); // refusals from here on log its database and user
        state = now;
        if (services.drain().refusingNewSessions()) {
            fatal(SqlState.CANNOT_CONNECT_NOW, "the gateway is shutting down");
            return;
        }
        int maxClients = services.settings().current().get(MAX_CLIENT_CONNECTIONS);
        if (!services.limits().enterGateway(maxClients)) {
            fatal(SqlState.TOO_MANY_CONNECTIONS, "no more connections allowed (max_client_conn): the gateway serves "
                    + maxClients + " clients, its maxClientConnections");
            return;
        }
        countedInGateway = true;
        if (services.tls().mode().requiresTls() && !now.tls()) {
            fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, socket instanceof TcpStream
                    ? "TLS required: connect with sslmode=require (or stronger)"
                    : "TLS required: connect over wss:// (HTTPS)");
            return;
        }
        if (services.tls().mode().requiresClientCertificate()) {
            String refusal = services.tls().clientCertificateRefusal(socket.tlsSession());
            if (refusal != null) {
                fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, refusal);
                return;
            }
        }
        // What the client sent right behind its startup packet (a password, as Neon's driver pipelines it) is the
        // exchange's first input; TLS, if any, is already up, so nothing here crosses from clear to encrypted.
        Buffer early = startup.remainder();
        if (message.minorVersion() > 0 || !message.protocolOptions().isEmpty()) {
            // We speak 3.0: the client falls back and ignores the options it asked for.
            outbound.write(BackendMessages.negotiateProtocolVersion(0, message.protocolOptions()));
        }
        boolean toConsole = services.console().opens(message.database());
        Optional<DatabaseConfig> db = toConsole ? Optional.empty() : services.store().current().database(message.database());
        if (db.isEmpty() && !toConsole) {
            fatal(SqlState.INVALID_CATALOG_NAME, "database \"" + message.database() + "\" does not exist");
            return;
        }
        String userName = message.user();
        // A name no user can have is not even looked up: it gets an unknown user's exchange and 28P01.
        UserConfig user = UserNames.tooLong(userName) ? null : services.store().current().user(userName).orElse(null);
        if (user == null && db.isPresent() && db.get().authLookup() != null && !UserNames.tooLong(userName)) {
            lookUpInBackend(now, message, db.get(), userName, early);
            return;
        }
        authenticate(now, message, db.orElse(null), user, false, toConsole, early);
    }

    /**
     * A user that is not a Portcullis user, on a database that looks users up in its backend: the exchange starts
     * once the lookup answered (reading paused meanwhile), with the user found or, if none, an unknown user's.
     */
    private void lookUpInBackend(SessionState.Startup now, StartupRequest.StartupMessage message, DatabaseConfig db,
                                 String userName, Buffer early) {
        inbound.pause();
        io.vertx.core.Context context = services.vertx().getOrCreateContext();
        services.backendUsers().lookUp(db, userName).onComplete(ar -> context.runOnContext(v -> {
            if (state != now) { // closed meanwhile
                return;
            }
            inbound.resume();
            if (ar.failed() && ar.cause() instanceof BackendUsers.Busy busy) {
                loginRefused(SqlState.TOO_MANY_CONNECTIONS, "too many logins are being looked up in the backend right "
                        + "now; try again", busy.getMessage());
                return;
            }
            if (ar.failed()) {
                loginRefused(SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION, "the user could not be looked up in "
                        + "the backend of database \"" + db.name() + "\"; the gateway's log says why", ar.cause().getMessage());
                return;
            }
            authenticate(now, message, db, ar.result().orElse(null), ar.result().isPresent(), false, early);
        }));
    }

    /** @param lookedUp whether {@code user} was looked up in the database's backend */
    private void authenticate(SessionState.Startup now, StartupRequest.StartupMessage message, DatabaseConfig db,
                              UserConfig user, boolean lookedUp, boolean toConsole, Buffer early) {
        // Only where TLS protects it from end to end of this hop: a WebSocket inside HTTPS.
        boolean cleartext = socket.securedOutside() && services.webSocket().cleartextPassword();
        ClientAuthentication authentication = new ClientAuthentication(services, socket, inbound, outbound,
                message.user(), user, cleartext, lookedUp,
                toConsole ? this::openConsole : u -> onAuthenticated(u, lookedUp), this::loginRefused);
        state = now.toAuthenticating(message, db, authentication);
        authentication.begin(early);
    }

    /** @param lookedUp whether {@code user} was looked up in the database's backend (its pool passes its login through) */
    private void onAuthenticated(UserConfig user, boolean lookedUp) {
        if (!(state instanceof SessionState.Authenticating authenticating)) {
            return;
        }
        DatabaseConfig database = authenticating.database();
        if (!user.mayUse(database.name())) {
            fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "user \"" + user.name() + "\" is not allowed to connect to database \"" + database.name() + "\"");
            return;
        }
        if (!services.limits().enterUser(user.name(), user.maxClientConnections())) {
            fatal(SqlState.TOO_MANY_CONNECTIONS, "no more connections allowed for user \"" + user.name() + "\": it has "
                    + user.maxClientConnections() + " clients, its maxClientConnections");
            return;
        }
        countedUser = user.name();
        PoolMode poolMode = user.poolModeOn(database);
        outbound.write(BackendMessages.authenticationOk());
        inbound.pause();
        if (database.disabled()) { // the stored reason is for administrators; the client learns only what to expect
            fatal(SqlState.CANNOT_CONNECT_NOW, "database \"" + database.name()
                    + "\" is not in service yet: it waits for its backend credentials from an administrator");
            return;
        }
        if (!lookedUp && database.user() == null) {
            fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, "database \"" + database.name() + "\" logs in to its "
                    + "backend as each client's own user: only users looked up in its backend (authQuery) may use it");
            return;
        }
        Optional<Pool> pool = lookedUp ? services.pools().backendUserPool(database.name(), user.name(),
                authenticating.authentication().passthroughSecret()) : services.pools().pool(database.name());
        if (pool.isEmpty()) {
            fatal(SqlState.INVALID_CATALOG_NAME, "database \"" + database.name() + "\" does not exist");
            return;
        }
        if (pool.get().view().disabled()) {
            fatal(SqlState.CANNOT_CONNECT_NOW, "database \"" + database.name()
                    + "\" does not allow new connections: disabled by an administrator");
            return;
        }
        SessionLender lender = new SessionLender(pool.get(), services.pools().userLimits(), services.store(),
                services.settings(), user.name());
        SessionState.Connecting connecting = authenticating.toConnecting(poolMode, lender, System.nanoTime());
        state = connecting;
        lender.acquire().onComplete(ar -> {
            if (state != connecting) { // closed meanwhile
                if (ar.succeeded()) {
                    lender.giveBack(ar.result(), true);
                }
                return;
            }
            if (ar.failed()) {
                Throwable cause = ar.cause();
                SqlState code = cause instanceof BackendUnavailable u ? u.sqlState() : SqlState.CONNECTION_FAILURE;
                fatal(code, cause.getMessage());
                return;
            }
            activate(connecting, ar.result());
        });
    }

    private void activate(SessionState.Connecting connecting, ServerConnection server) {
        SessionLender lender = connecting.lender();
        Pool pool = lender.pool();
        services.vertx().cancelTimer(loginTimer);
        Buffer greeting = Buffer.buffer(256);
        for (Map.Entry<String, String> p : server.parameters().entrySet()) {
            greeting.appendBuffer(BackendMessages.parameterStatus(p.getKey(), p.getValue()));
        }
        greeting.appendBuffer(BackendMessages.backendKeyData(processId, cancelSecret));
        greeting.appendBuffer(BackendMessages.readyForQuery(MessageTypes.TX_IDLE));
        pool.traffic().clientLoggedIn();
        ConnectionLog.loginSucceeded(socket.remoteAddress(), connecting.database().name(), connecting.login().user(),
                tlsDescription);
        outbound.write(greeting);
        Forwarding forwarding = new Forwarding(outbound, inbound, context, lender, connecting.poolMode(), server,
                new Forwarding.Ending() {
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
                if (state instanceof SessionState.Active active && active.pendingTermination() != null) {
                    fatal(SqlState.ADMIN_SHUTDOWN, active.pendingTermination());
                }
            }
        });
        if (state != connecting) { // ended while forwarding started (it refused the connection's state)
            forwarding.release();
            return;
        }
        SessionTimeouts timeouts = new SessionTimeouts(services.vertx(), services.settings(), forwarding,
                services.cancelClient(), this::fatal);
        state = connecting.toActive(forwarding, timeouts);
        timeouts.start();
        Buffer early = connecting.authentication().remainder();
        if (early.length() > 0) {
            forwarding.fromClient(early);
        }
        inbound.resume();
    }

    /**
     * An authenticated user asked for the admin console: an admin gets a console session, anyone else
     * is refused as PgBouncer refuses them.
     */
    private void openConsole(UserConfig user) {
        if (!(state instanceof SessionState.Authenticating authenticating)) {
            return;
        }
        if (!user.admin()) {
            fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "not allowed: user \"" + user.name() + "\" may not use the admin console");
            return;
        }
        services.vertx().cancelTimer(loginTimer);
        Buffer greeting = Buffer.buffer(256).appendBuffer(BackendMessages.authenticationOk());
        for (Map.Entry<String, String> p : services.console().parameters().entrySet()) {
            greeting.appendBuffer(BackendMessages.parameterStatus(p.getKey(), p.getValue()));
        }
        greeting.appendBuffer(BackendMessages.backendKeyData(processId, cancelSecret));
        greeting.appendBuffer(BackendMessages.readyForQuery(MessageTypes.TX_IDLE));
        StartupRequest.StartupMessage login = authenticating.login();
        ConnectionLog.loginSucceeded(socket.remoteAddress(), login.database(), login.user(), tlsDescription);
        outbound.write(greeting);
        AdminConsole.Connection console = services.console().open(new ConsoleClient(outbound, inbound, context,
                processId, login.user(), this::onClientTerminated));
        state = authenticating.toConsole(console);
        Buffer early = authenticating.authentication().remainder();
        if (early.length() > 0) {
            console.onData(early);
        }
    }

    /** The session as SHOW CLIENTS lists it, or null once it is closed. Any thread. */
    ClientInfo info(java.time.Instant now, long nowNanos) {
        SessionState current = state;
        if (current instanceof SessionState.Closed) {
            return null;
        }
        StartupRequest.StartupMessage login = current.login();
        String shown = ClientInfo.LOGIN;
        long serverId = -1;
        long waitingSince = 0;
        long requestNanos = 0;
        if (current instanceof SessionState.Active active) {
            Forwarding f = active.forwarding();
            serverId = f.serverId();
            requestNanos = f.lastRequestNanos();
            if (f.waitingForServer()) {
                shown = ClientInfo.WAITING;
                waitingSince = f.borrowStartNanos();
            } else {
                shown = serverId >= 0 ? ClientInfo.ACTIVE : ClientInfo.IDLE;
            }
        } else if (current instanceof SessionState.Console) {
            shown = ClientInfo.ACTIVE;
        } else if (current instanceof SessionState.Connecting connecting) {
            shown = ClientInfo.WAITING;
            waitingSince = connecting.sinceNanos();
        }
        io.vertx.core.net.SocketAddress remote = socket.remoteAddress();
        io.vertx.core.net.SocketAddress local = socket.localAddress();
        java.time.Instant connected = now.minusNanos(nowNanos - acceptedNanos);
        String application = login == null ? null : login.parameters().get("application_name");
        String described = tlsDescription;
        return new ClientInfo(processId, login == null ? null : login.user(), login == null ? null : login.database(),
                shown, remote == null ? null : remote.hostAddress(), remote == null ? 0 : remote.port(),
                local == null ? null : local.hostAddress(), local == null ? 0 : local.port(), connected,
                requestNanos == 0 ? connected : now.minusNanos(nowNanos - requestNanos),
                waitingSince == 0 ? 0 : Math.max(0, nowNanos - waitingSince),
                "none".equals(described) ? "" : described, application == null ? "" : application, serverId,
                current instanceof SessionState.Console);
    }

    /** Whether this is a client of {@code databaseName} (logging in or logged in), not a console session. */
    boolean uses(String databaseName) {
        SessionState current = state;
        return (current instanceof SessionState.Active || current instanceof SessionState.Connecting)
                && current.login().database().equals(databaseName);
    }

    /** An administrator ended the session (KILL, KILL_CLIENT). Runs on the session's event loop. */
    void endByAdministrator(String why) {
        fatal(SqlState.ADMIN_SHUTDOWN, "terminating connection due to administrator command: " + why);
    }

    /**
     * A new configuration: a session whose database or user is gone (or which may no longer use its
     * database) ends with 57P01, at once or after its transaction as configured. Runs on the
     * session's event loop.
     */
    void onConfigChanged(GatewayConfig now) {
        SessionState current = state;
        if (current instanceof SessionState.Console console) {
            String userName = console.login().user();
            if (now.user(userName).map(u -> !u.admin()).orElse(true)) {
                fatal(SqlState.ADMIN_SHUTDOWN, "terminating connection due to administrator command: user \""
                        + userName + "\" may no longer use the admin console");
            }
            return;
        }
        if (!(current instanceof SessionState.Active active)) {
            return;
        }
        active.timeouts().reconsider();
        String userName = active.login().user();
        DatabaseConfig database = active.database();
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
        if (services.sessionSettings().onRemoval() == SessionSettings.OnRemoval.AFTER_TRANSACTION
                && !active.forwarding().idle()) {
            state = active.endingAfterTransaction(message);
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
        SessionState current = state;
        if (current instanceof SessionState.Closed) {
            return;
        }
        if (current instanceof SessionState.Console) {
            fatal(SqlState.ADMIN_SHUTDOWN, Drain.MESSAGE);
        } else if (!(current instanceof SessionState.Active active)) {
            fatal(SqlState.CANNOT_CONNECT_NOW, "the gateway is shutting down");
        } else if (active.poolMode() != null && active.poolMode() != PoolMode.SESSION) {
            if (active.forwarding().idle() || active.forwarding().waitingOnPausedPool()) {
                fatal(SqlState.ADMIN_SHUTDOWN, Drain.MESSAGE);
            } else {
                state = active.endingAfterTransaction(Drain.MESSAGE);
            }
        }
    }

    /** The drain timeout is over: whatever the session is doing, it ends. */
    void endForShutdown() {
        fatal(SqlState.ADMIN_SHUTDOWN, Drain.MESSAGE);
    }

    /**
     * A CancelRequest: to the session here that owns the key, or, for a session another replica owns (its peer id
     * in the process id), to that replica over the peer channel. A key nobody owns does nothing anywhere.
     */
    static void routeCancel(GatewayServices services, int processId, Buffer secret) {
        int owner = CancelKeys.peerOf(processId);
        if (services.peers().active() && owner != 0 && owner != services.peers().selfPeerId()) {
            // Only 4-byte keys can be ours (BackendKeyData of protocol 3.0, which every session here gets).
            if (secret.length() == 4) {
                services.peers().forwardCancel(processId, secret.getInt(0));
            }
            return;
        }
        cancelHere(services, processId, secret);
    }

    /** A cancel for a session of this replica (from a client, or forwarded by a peer): never forwarded again. */
    static void cancelHere(GatewayServices services, int processId, Buffer secret) {
        ClientSession target = services.sessions().find(processId, secret);
        if (target != null) {
            target.context.runOnContext(v -> target.cancelCurrentQuery());
        }
        services.events().cancelRequest(target != null);
    }

    private void cancelCurrentQuery() {
        if (state instanceof SessionState.Active active) {
            active.forwarding().cancel(services.cancelClient());
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
        if (state instanceof SessionState.TlsHandshake) {
            LOG.debugf("client %s: TLS handshake did not complete within %s", socket.remoteAddress(),
                    services.listener().tlsHandshakeTimeout());
            closeQuietly();
        }
    }

    private void onLoginTimeout() {
        SessionState current = state;
        if (current instanceof SessionState.Active || current instanceof SessionState.Console
                || current instanceof SessionState.Closed) {
            return;
        }
        if (current instanceof SessionState.Startup startup && !startup.tls() && startup.login() == null) {
            closeQuietly();
            return;
        }
        fatal(SqlState.CONNECTION_FAILURE, "login did not complete within "
                + io.portcullis.config.SettingDurations.format(loginTimeout) + " (clientLoginTimeout)");
    }

    /** Returns the server connection (if any) and forgets the session. Idempotent. */
    private void end() {
        SessionState was = state;
        if (was instanceof SessionState.Closed) {
            return;
        }
        StartupRequest.StartupMessage login = was.login();
        state = new SessionState.Closed(login);
        if (was instanceof SessionState.Authenticating authenticating) {
            authenticating.authentication().clientClosed(); // the only state with an exchange still running
        }
        if (inbound != null) {
            inbound.discard();
        }
        Forwarding forwarding = was instanceof SessionState.Active active ? active.forwarding() : null;
        ConnectionLog.disconnected(socket.remoteAddress(), login == null ? null : login.database(),
                login == null ? null : login.user(), tlsDescription,
                (System.nanoTime() - acceptedNanos) / 1_000_000,
                forwarding == null ? 0 : forwarding.bytesFromClient(), forwarding == null ? 0 : forwarding.bytesToClient());
        services.vertx().cancelTimer(loginTimer);
        if (was instanceof SessionState.Active active) {
            active.timeouts().stop();
        }
        if (countedInGateway) {
            services.limits().leaveGateway();
        }
        if (countedUser != null) {
            services.limits().leaveUser(countedUser);
        }
        if (was instanceof SessionState.TlsHandshake handshake) {
            services.vertx().cancelTimer(handshake.timer());
        }
        if (addressCounted) {
            addressCounted = false;
            services.connectionsPerAddress().closed(clientAddress);
        }
        services.sessions().unregister(processId, this);
        if (forwarding != null) {
            forwarding.release();
        }
        if (was instanceof SessionState.Console console) {
            console.console().closed();
        }
    }

    /**
     * The password exchange refused the client. Its verdict is logged even when the client has already left (its
     * proof waited for the login throttle): a guesser must not be able to hide its attempts by not waiting.
     */
    private void loginRefused(SqlState code, String message, String logDetail) {
        SessionState current = state;
        if (current instanceof SessionState.Closed) {
            StartupRequest.StartupMessage login = current.login();
            ConnectionLog.loginFailed(socket.remoteAddress(), login.database(), login.user(), tlsDescription,
                    code, message, (logDetail == null ? "" : logDetail + "; ") + "the client had disconnected before the answer");
            return;
        }
        fatal(code, message, logDetail);
    }

    private void fatal(SqlState code, String message) {
        fatal(code, message, null);
    }

    /**
     * Sends a FATAL ErrorResponse, then closes. When the client is in the middle of a message from the
     * server, an ErrorResponse would corrupt its stream: then the socket just closes.
     *
     * @param logDetail what the login log line adds for the operator only, or null
     */
    private void fatal(SqlState code, String message, String logDetail) {
        SessionState current = state;
        if (current instanceof SessionState.Closed) {
            return;
        }
        boolean mayWrite = !(current instanceof SessionState.Active active) || active.forwarding().clientAtFrameBoundary();
        if (!(current instanceof SessionState.Active)) {
            StartupRequest.StartupMessage login = current.login();
            ConnectionLog.loginFailed(socket.remoteAddress(), login == null ? null : login.database(),
                    login == null ? null : login.user(), tlsDescription, code, message, logDetail);
        }
        end();
        outbound.writeAndClose(mayWrite ? BackendMessages.errorResponse("FATAL", code, message) : null);
    }

    private void closeQuietly() {
        end();
        outbound.close();
    }
}
