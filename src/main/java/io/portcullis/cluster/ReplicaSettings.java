package io.portcullis.cluster;

import io.smallrye.config.ConfigMapping;

import java.util.Optional;

/** This replica's identity in the cluster ({@code portcullis.replica.*}). */
@ConfigMapping(prefix = "portcullis.replica")
public interface ReplicaSettings {

    /**
     * The name this replica registers under; unset: the {@code HOSTNAME} environment variable (the pod or task
     * name), else the host name. A name another live replica holds is made unique with the peer id
     * ({@code name-7}); see {@link ReplicaTable#register}.
     */
    Optional<String> name();
}
