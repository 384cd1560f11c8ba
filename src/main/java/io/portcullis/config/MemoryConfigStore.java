package io.portcullis.config;

import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A {@link ConfigStore} that keeps its configuration in memory only: it starts empty and is gone when the
 * process ends. The process's store while a command such as {@code copy-store} runs ({@code portcullis.config.store}
 * {@value SettingNames#STORE_NONE}, set by the entry point), so that what the application does on every start
 * (bootstrap an admin token, bind old sealed secrets) touches neither the data directory nor a shared store the
 * command reads or fills; also what {@link PostgresStoreCopy} converts a copied document's old sealed secrets in.
 * Not a store to run a gateway on.
 */
final class MemoryConfigStore implements ConfigStore {

    private final Consumer<ConfigChanged> publisher;
    private final ReentrantLock writeLock = new ReentrantLock();
    private volatile GatewayConfig current;

    MemoryConfigStore(Consumer<ConfigChanged> publisher) {
        this(GatewayConfig.EMPTY, publisher);
    }

    MemoryConfigStore(GatewayConfig initial, Consumer<ConfigChanged> publisher) {
        this.current = Objects.requireNonNull(initial);
        this.publisher = Objects.requireNonNull(publisher);
    }

    @Override
    public GatewayConfig current() {
        return current;
    }

    @Override
    public GatewayConfig update(long expectedVersion, UnaryOperator<GatewayConfig> change) {
        Objects.requireNonNull(change, "change");
        writeLock.lock();
        try {
            GatewayConfig before = current;
            if (expectedVersion != ANY_VERSION && expectedVersion != before.version()) {
                throw new VersionConflictException(expectedVersion, before.version());
            }
            GatewayConfig after = NextVersion.of(before, change);
            current = after;
            publisher.accept(new ConfigChanged(before, after));
            return after;
        } finally {
            writeLock.unlock();
        }
    }
}
