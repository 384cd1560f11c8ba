package io.portcullis.proxy;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/**
 * Where the wire gateway listens and how long a TLS handshake may take. The {@code portcullis.listen.*} settings
 * that {@code /api/v1/settings} can change live ({@code client-login-timeout}, {@code max-client-connections})
 * are described in {@link io.portcullis.config.RuntimeSettings}.
 */
@ConfigMapping(prefix = "portcullis.listen")
public interface ListenerSettings {

    /**
     * Whether the wire listener starts. False only when the application runs a one-shot command
     * (see {@code io.portcullis.PortcullisMain}), which must not take the port of a running gateway.
     */
    @WithDefault("true")
    boolean enabled();

    @WithDefault("0.0.0.0")
    String host();

    @WithDefault("5432")
    int port();

    /**
     * Event loops serving wire clients (one verticle each); defaults to {@link #defaultInstances()}.
     * Never more than {@code quarkus.vertx.event-loops-pool-size}.
     */
    Optional<Integer> instances();

    /**
     * One wire event loop per two cores (at least one). A proxy's loops never block, so a loop is only
     * worth a core it can have to itself: a gateway shares its machine with the kernel's network stack
     * and often with its clients or its backend, and a loop thread preempted while it holds work for
     * hundreds of clients stalls all of them. Measured on 2 cores shared with pgbench and QuestDB: 4 loops
     * cost five times the voluntary context switches and a third more CPU per transaction than 1; 2 loops
     * were preempted more often per transaction than 1 (1.3 to 9 times in the 64-client runs) and ran 10–30 %
     * fewer transactions at 64 clients (docs/performance.md). Vert.x's own default is two loops per core. On a machine that runs
     * nothing but Portcullis, set {@code portcullis.listen.instances} to the core count.
     */
    static int defaultInstances() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    /**
     * From SSLRequest (or the first byte of a direct-TLS ClientHello) to the end of the TLS handshake.
     * A real handshake takes milliseconds; a client that stalls in it holds a socket and a TLS engine,
     * so it is cut long before the {@code clientLoginTimeout} setting. The TLS engine has its own backstop of
     * {@code VertxTls.HANDSHAKE_TIMEOUT_SECONDS}, which caps this setting.
     */
    @WithDefault("10s")
    Duration tlsHandshakeTimeout();

    /**
     * Open client connections allowed from one IP address; the next is refused with {@code 53300} at
     * once, in clear, before any TLS. 0 turns the cap off. Generous by default: a pooler's clients are
     * often hundreds of connections from a few application hosts; the cap is there so that one address
     * cannot take every socket the process may open. Set it to 0 behind a load balancer or NAT that
     * hides client addresses (every client then shares the balancer's address).
     */
    @WithDefault("1000")
    int maxConnectionsPerAddress();
}
