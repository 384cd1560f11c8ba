package io.portcullis.peer;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Optional;

/**
 * The peer listener ({@code portcullis.peer.*}), which runs only with the shared PostgreSQL store: with the file
 * store there are no peers, and these settings have no effect (the start log says so when one is set).
 */
@ConfigMapping(prefix = "portcullis.peer")
public interface PeerSettings {

    /** Whether this replica listens for its peers and forwards cancels to them. */
    @WithDefault("true")
    boolean enabled();

    /** The address the peer listener binds to. */
    @WithDefault("0.0.0.0")
    String host();

    /** The peer listener's port: reachable from the other replicas, never from clients. */
    @WithDefault("6433")
    int port();

    /**
     * The host other replicas connect to, published in the registry: by default the {@code POD_IP} environment
     * variable (set it from the Kubernetes downward API), else the address the host name resolves to, else the first
     * address of an interface that is up (never loopback, unless there is nothing else).
     */
    Optional<String> advertiseHost();
}
