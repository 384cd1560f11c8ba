package io.portcullis.cluster;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** How replicas keep their rows of the registry fresh ({@code portcullis.cluster.*}). */
@ConfigMapping(prefix = "portcullis.cluster")
public interface ClusterSettings {

    /**
     * How often a replica refreshes its row (last heartbeat, applied version, readiness) and reads the others'.
     * A row with no heartbeat for {@value ReplicaTable#MISSED_HEARTBEATS} of its replica's intervals is shown
     * as not live. A newly applied configuration version is written at once, not at the next heartbeat.
     */
    @WithDefault("2s")
    Duration heartbeatInterval();

    /** A row with no heartbeat for this long is deleted (a replica that crashed or was killed never deletes its own). */
    @WithDefault("1h")
    Duration forgetAfter();
}
