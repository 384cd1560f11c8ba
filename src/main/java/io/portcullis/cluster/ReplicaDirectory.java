package io.portcullis.cluster;

import java.util.List;

/** Where the registry keeps and finds replicas: the shared store's table, or this process alone. */
interface ReplicaDirectory extends AutoCloseable {

    /** The replicas as last read, this one included; never blocks. */
    List<Replica> replicas();

    /** The replicas read now where that is possible (blocks on the store), else {@link #replicas()}. */
    List<Replica> refresh();

    /** This replica's name and peer id as registered (a placeholder peer id 0 until the first registration). */
    Replica self();

    /** Whether the last contact with the store succeeded (always true without a shared store). */
    boolean reachable();

    /** The newest configuration version this replica has applied (in memory: not the row, which may lag or be stale). */
    long applied();

    /** This replica applied {@code version}: written promptly, with bursts coalesced. */
    void applied(long version);

    /** Where peers reach this replica from now on (null: nowhere); written promptly. */
    void address(String hostPort);

    /** Leaves the directory: the own row is deleted. */
    @Override
    void close();
}
