package io.portcullis.cluster;

import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;

/** The file store has no other replicas: the directory is this process, in memory, and nothing is written. */
final class LocalReplicaDirectory implements ReplicaDirectory {

    /** Peer id of a replica alone: the first one a shared store would give. */
    static final int PEER_ID = 1;

    private final String name;
    private final String softwareVersion;
    private final Instant startedAt = Instant.now();
    private final BooleanSupplier ready;
    private volatile long configVersion;
    private volatile String address;

    LocalReplicaDirectory(String name, String softwareVersion, long configVersion, BooleanSupplier ready) {
        this.name = name;
        this.softwareVersion = softwareVersion;
        this.configVersion = configVersion;
        this.ready = ready;
    }

    @Override
    public List<Replica> replicas() {
        return List.of(self());
    }

    @Override
    public List<Replica> refresh() {
        return replicas();
    }

    /** Always current: nothing is cached, so the heartbeat is "now". */
    @Override
    public Replica self() {
        return new Replica(name, PEER_ID, address, softwareVersion, configVersion, startedAt, Instant.now(),
                ready.getAsBoolean(), true, true);
    }

    @Override
    public boolean reachable() {
        return true;
    }

    @Override
    public long applied() {
        return configVersion;
    }

    @Override
    public synchronized void applied(long version) {
        configVersion = Math.max(configVersion, version);
    }

    @Override
    public void address(String hostPort) {
        address = hostPort;
    }

    @Override
    public void close() {
        // Nothing was written.
    }
}
