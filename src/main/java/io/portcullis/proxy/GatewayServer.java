package io.portcullis.proxy;

import io.portcullis.auth.AuthSettings;
import io.portcullis.config.ConfigChanged;
import io.portcullis.config.ConfigStore;
import io.portcullis.config.LiveSettings;
import io.portcullis.config.SecretBox;
import io.portcullis.peer.PeerChannel;
import io.portcullis.pool.PoolManager;
import io.portcullis.tls.TlsHandshakes;
import io.portcullis.tls.TlsRenegotiation;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServerOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Reception;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starts the wire listener when the application starts: one {@link WireVerticle} per event loop,
 * all on the same port, so that connections spread over every core.
 */
@ApplicationScoped
public class GatewayServer {

    private static final Logger LOG = Logger.getLogger(GatewayServer.class);
    /** Startup gives up binding (and the stop waiting for the listener to close) after this rather than hanging. */
    private static final Duration BIND_TIMEOUT = Duration.ofSeconds(30);
    /**
     * Derives the secret behind unknown users' fake SCRAM salts from the secret key, so a fake salt stays
     * the same across restarts and replicas, as a real user's does (a per-process random secret would
     * change it at every restart and so give unknown users away).
     */
    static final String MOCK_SCRAM_SECRET_PURPOSE = "portcullis/scram-mock-salt/v1";

    @Inject
    Vertx vertx;
    @Inject
    ConfigStore store;
    @Inject
    PoolManager pools;
    @Inject
    TlsHandshakes tls;
    @Inject
    ListenerSettings listener;
    @Inject
    SessionSettings sessionSettings;
    @Inject
    Instance<GatewayEvents> events;
    @Inject
    ShutdownSettings shutdown;
    @Inject
    LiveSettings settings;
    @Inject
    Instance<AdminConsole> consoles;
    @Inject
    AuthSettings auth;
    @Inject
    SecretBox secretBox;
    @Inject
    PeerChannel peers;
    @Inject
    WebSocketSettings webSocket;

    private final List<WireVerticle> verticles = new CopyOnWriteArrayList<>();
    private final Drain drain = new Drain();
    private volatile GatewayServices services;
    private volatile String deploymentId;
    private volatile int boundPort = -1;

    void onStart(@Observes StartupEvent event) throws Exception {
        if (!listener.enabled()) {
            LOG.debug("Wire listener disabled (portcullis.listen.enabled=false): running a command, not the gateway");
            return;
        }
        SecureRandom random = new SecureRandom();
        byte[] mockSecret = secretBox.deriveKey(MOCK_SCRAM_SECRET_PURPOSE);
        TlsRenegotiation.refuseClientInitiated();
        GatewayServices services = new GatewayServices(vertx, store, pools, tls, listener, sessionSettings,
                new SessionRegistry(peers::selfPeerId),
                random, mockSecret, auth.checkedScramIterations(), vertx.createNetClient(new NetClientOptions().setConnectTimeout(5_000)),
                events.isResolvable() ? events.get() : GatewayEvents.NONE, drain, settings, new ClientLimits(),
                consoles.isResolvable() ? consoles.get() : AdminConsole.NONE,
                auth.throttle(), new ConnectionsPerAddress(listener.maxConnectionsPerAddress()), peers, webSocket,
                new PasswordChecks(vertx), new BackendUsers(pools, auth.lookupCacheTtl(), System::nanoTime));
        // Before the wire listener: a session's process id carries the peer id from its first connection on.
        peers.start(cancel -> ClientSession.cancelHere(services, cancel.processId(),
                Buffer.buffer(4).appendInt(cancel.secret())));
        // No TLS options: connections start in clear and TLS starts in-band, with TlsHandshakes' context.
        NetServerOptions options = new NetServerOptions()
                .setHost(listener.host())
                .setPort(listener.port())
                .setTcpNoDelay(true)
                .setTcpKeepAlive(true)
                .setReuseAddress(true);
        this.services = services;
        int instances = listener.instances().orElse(ListenerSettings.defaultInstances());
        deploymentId = vertx.deployVerticle(() -> {
                    WireVerticle verticle = new WireVerticle(services, options);
                    verticles.add(verticle);
                    return verticle;
                }, new DeploymentOptions().setInstances(instances))
                .toCompletionStage().toCompletableFuture().get(BIND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        boundPort = verticles.get(0).server().actualPort();
        LOG.infof("Portcullis wire listener on %s:%d (TLS %s, %d event loops, %s transport)", listener.host(),
                boundPort, tls.mode().wireName(), instances, vertx.isNativeTransportEnabled() ? "epoll" : "NIO");
    }

    /** Sessions whose database or user went away end; each decides on its own event loop. */
    // IF_EXISTS: a change stored while the application starts (the certificate moving into the store, another
    // replica's write) must not create this bean before Vert.x runs; sessions only exist after onStart anyway.
    void onConfigChanged(@Observes(notifyObserver = Reception.IF_EXISTS) ConfigChanged change) {
        GatewayServices current = services;
        if (current == null) {
            return;
        }
        for (ClientSession session : current.sessions().all()) {
            session.runOnOwnContext(() -> session.onConfigChanged(change.after()));
        }
    }

    /** SIGTERM: the shutdown delay starts, readiness goes DOWN while clients are still served. */
    void onShutdownDelay(@Observes ShutdownDelayInitiatedEvent event) {
        drain.begin();
    }

    /** SIGTERM (or any orderly stop), after the delay: drain the sessions, then close the listeners. */
    void onStop(@Observes ShutdownEvent event) {
        GatewayServices current = services;
        if (current != null) {
            drain.run(current.sessions(), shutdown);
        }
        String id = deploymentId;
        if (id != null) {
            // Waited for: Vert.x's own close, which Quarkus runs right after this, undeploys what is still
            // deployed and logged an ERROR ("Undeploy failed ... Already undeployed") for this deployment when
            // its undeploy was still under way (seen on stops right after a start).
            try {
                vertx.undeploy(id).toCompletionStage().toCompletableFuture().get(BIND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                LOG.debugf("wire listener undeploy did not finish: %s", e.toString());
            }
        }
    }

    /** What sessions need, or null when the wire gateway is not running (a command, not the gateway). */
    GatewayServices services() {
        return services;
    }

    /** The live sessions, or null when the wire listener is not running (a command, not the gateway). */
    SessionRegistry sessionRegistry() {
        GatewayServices current = services;
        return current == null ? null : current.sessions();
    }

    /** The wire verticles, one per event loop (for EventLoopIndependenceTest, which blocks one of the loops). */
    List<WireVerticle> wireVerticles() {
        return List.copyOf(verticles);
    }

    /** The login throttle of the running listener, or null when it is not running (for tests). */
    io.portcullis.auth.LoginThrottle loginThrottle() {
        GatewayServices current = services;
        return current == null ? null : current.loginThrottle();
    }

    /** True from the moment a drain starts: readiness must report DOWN. */
    public boolean draining() {
        return drain.draining();
    }

    /** The port the listener is bound to (the configured one, or the one chosen for port 0). */
    public int port() {
        return boundPort;
    }
}
