package io.portcullis.config;

import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Where the configuration lives. Reads are cheap and never block; writes block (call them from a
 * worker thread, never an event loop), are serialized, durable when they return, and publish one
 * {@link ConfigChanged}.
 */
public interface ConfigStore {

    /** {@link #update} with this expected version applies the change to whatever is current. */
    long ANY_VERSION = -1;

    /** The newest stored snapshot. */
    GatewayConfig current();

    /**
     * Applies {@code change} to the newest snapshot, stores the result with the next version and
     * publishes it.
     *
     * @param expectedVersion the version the caller based its change on, or {@link #ANY_VERSION}
     * @throws VersionConflictException when {@code expectedVersion} is not the current version
     * @throws ConfigException when the result is invalid; nothing is stored
     * @throws ConfigStorageException when the result cannot be stored (disk full, I/O error); nothing changes
     */
    GatewayConfig update(long expectedVersion, UnaryOperator<GatewayConfig> change);

    /**
     * Why the store behind this one cannot be reached right now, in words for an operator; empty when it can.
     * While it cannot, {@link #current()} is the last snapshot seen and writes fail. The embedded file store
     * is always reachable.
     */
    default Optional<String> problem() {
        return Optional.empty();
    }

    /**
     * Reads the stored configuration again now, rather than when the store would notice a change by itself (the
     * console's RELOAD), and publishes it when it is newer than the one in force. Blocking.
     *
     * @return the snapshot in force afterwards
     * @throws ConfigException when what is stored cannot be used (the one in force stays), or the store cannot be
     *                         read
     */
    default GatewayConfig refresh() {
        return current();
    }
}
