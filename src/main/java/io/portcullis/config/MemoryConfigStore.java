package io.portcullis.config;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A {@link ConfigStore} that keeps its configuration in memory only and is gone when the process ends. Two uses,
 * neither a gateway's: what {@link PostgresStoreCopy} converts a copied document's old sealed secrets in, and
 * ({@link #forCommand}) the process's store while {@code copy-store} runs on a data directory that holds no
 * configuration ({@value SettingNames#STORE_FILE_IF_PRESENT}), so that starting the command does not make one there.
 */
final class MemoryConfigStore implements ConfigStore {

    private final Consumer<ConfigChanged> publisher;
    private final boolean keepsCertificates;
    private final ReentrantLock writeLock = new ReentrantLock();
    private volatile GatewayConfig current;

    MemoryConfigStore(GatewayConfig initial, Consumer<ConfigChanged> publisher) {
        this(initial, publisher, true);
    }

    private MemoryConfigStore(GatewayConfig initial, Consumer<ConfigChanged> publisher, boolean keepsCertificates) {
        this.current = Objects.requireNonNull(initial);
        this.publisher = Objects.requireNonNull(publisher);
        this.keepsCertificates = keepsCertificates;
    }

    /**
     * The store of a command's start, made so that the start leaves the data directory as it found it: it holds an
     * admin token nobody knows (so none is generated and printed for a store that is thrown away), and it refuses to
     * take a server certificate (a start moves the data directory's certificate into the store and then deletes its
     * key file; here the key would live only in this process).
     */
    static MemoryConfigStore forCommand(Consumer<ConfigChanged> publisher) {
        byte[] unknown = new byte[32];
        new SecureRandom().nextBytes(unknown);
        GatewayConfig seeded = GatewayConfig.EMPTY.withTokens(
                List.of(new ApiToken("command", ApiToken.ADMIN, HexFormat.of().formatHex(unknown))));
        return new MemoryConfigStore(seeded, publisher, false);
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
            if (!keepsCertificates && (after.tls().hasCertificate() || after.tls().sealedPendingKey() != null)) {
                throw new ConfigException("this command's configuration is kept in memory only, so certificates and "
                        + "keys stay where they are");
            }
            current = after;
            publisher.accept(new ConfigChanged(before, after));
            return after;
        } finally {
            writeLock.unlock();
        }
    }
}
