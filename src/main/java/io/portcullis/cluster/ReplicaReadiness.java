package io.portcullis.cluster;

/**
 * Whether this replica is ready right now, as its readiness checks say; the registry writes it into the row at
 * every heartbeat. Implemented where the checks live (a package this one may not use); without an implementation
 * a replica counts as ready.
 */
public interface ReplicaReadiness {

    /** Called from the registry's thread and from request threads: reads cached state only, never blocks. */
    boolean ready();
}
