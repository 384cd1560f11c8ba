package io.portcullis.proxy;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** Where the wire gateway listens and how long a client may take to log in. */
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

    /** Verticle instances (one per event loop); defaults to the event-loop count. */
    Optional<Integer> instances();

    /**
     * From TCP accept to ReadyForQuery, TLS handshake included (PgBouncer: client_login_timeout). The
     * default of the {@code clientLoginTimeout} setting (sessions read {@code LiveSettings}).
     */
    @WithDefault("60s")
    Duration clientLoginTimeout();

    /**
     * Clients served at once; more are refused at login with 53300, 0 = no limit (PgBouncer:
     * max_client_conn). The default of the {@code maxClientConnections} setting.
     */
    @WithDefault("0")
    int maxClientConnections();
}
