package io.portcullis.proxy;

import io.portcullis.auth.LoginThrottle;
import io.portcullis.config.ConfigStore;
import io.portcullis.config.LiveSettings;
import io.portcullis.peer.PeerChannel;
import io.portcullis.pool.PoolManager;
import io.portcullis.tls.TlsHandshakes;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;

import java.security.SecureRandom;

/**
 * What every client session needs, gathered once per process and handed to each verticle.
 *
 * @param mockScramSecret secret that makes the SCRAM salt of unknown users stable (across restarts and
 *                        replicas: it is derived from the secret key) and unguessable, so a login attempt
 *                        cannot tell whether a user exists
 * @param scramIterations the iteration count unknown users' mock SCRAM exchange announces (the one new
 *                        verifiers get: portcullis.auth.scram-iterations)
 * @param cancelClient    connections that carry CancelRequests to backends
 * @param events          where TLS handshakes, failed logins and cancel requests are reported
 * @param settings        the process-wide settings in force (timeouts, limits), read at each use
 * @param limits          clients counted against maxClientConnections, in all and per user
 * @param console         the admin console, or {@link AdminConsole#NONE}
 * @param loginThrottle   decides when a login's password may be checked (back-off after failures, logins in progress)
 * @param connectionsPerAddress caps open connections per client IP address
 * @param peers           the channel to the other replicas sharing the store (cancels for their sessions)
 * @param webSocket       PostgreSQL over WebSocket: whether its sessions are asked for cleartext passwords
 * @param passwordChecks  where passwords sent in clear are checked (bounded, off the event loops)
 * @param backendUsers    client users looked up in a database's backend (authQuery), cached briefly
 */
record GatewayServices(
        Vertx vertx,
        ConfigStore store,
        PoolManager pools,
        TlsHandshakes tls,
        ListenerSettings listener,
        SessionSettings sessionSettings,
        SessionRegistry sessions,
        SecureRandom random,
        byte[] mockScramSecret,
        int scramIterations,
        NetClient cancelClient,
        GatewayEvents events,
        Drain drain,
        LiveSettings settings,
        ClientLimits limits,
        AdminConsole console,
        LoginThrottle loginThrottle,
        ConnectionsPerAddress connectionsPerAddress,
        PeerChannel peers,
        WebSocketSettings webSocket,
        PasswordChecks passwordChecks,
        BackendUsers backendUsers) {
}
