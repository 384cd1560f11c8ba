package io.portcullis.config;

import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The shared {@link ConfigStore} for several replicas: every version is a row of one PostgreSQL table
 * ({@link PostgresConfigTable}), written in the same JSON document as the file store, secrets sealed with the
 * key all replicas share.
 *
 * <p>Writes: one transaction per {@link #update}, serialized across replicas by an advisory lock; the change
 * is applied to the newest stored version (not to this replica's possibly older copy), validated, appended,
 * rows beyond the newest {@link PostgresStoreSettings#history()} deleted (or, for a role without DELETE, kept
 * with one warning), and announced with NOTIFY on commit. A stale {@code expectedVersion} is a {@link VersionConflictException}
 * after this replica caught up with the newest version, so "read again and retry" works at once.
 *
 * <p>Reads: {@link #current()} is a volatile field, never the network. A {@link PostgresConfigWatcher} thread
 * LISTENs for other replicas' writes and polls as a fallback; each newer version it sees is published as a
 * {@link ConfigChanged} exactly like a local write, so pools, TLS and users follow on every replica.
 *
 * <p>Failure: when the store is unreachable the last good snapshot keeps serving, {@link #problem()} says why
 * (readiness shows it), writes fail with {@link ConfigStoreUnavailableException}, and the watcher reconnects
 * with back-off. Only the first load is mandatory: without any snapshot there is nothing to serve, so the
 * constructor waits up to {@link #STARTUP_WAIT} for a store that is down and fails at once on a refusal
 * (wrong password, no privilege, bad URL).
 */
public final class PostgresConfigStore implements ConfigStore, AutoCloseable {

    /** How long startup waits for a store that is down (not refusing us) before giving up. */
    static final Duration STARTUP_WAIT = Duration.ofSeconds(60);
    private static final Duration STARTUP_RETRY = Duration.ofSeconds(1);

    private static final Logger LOG = Logger.getLogger(PostgresConfigStore.class);

    private final PostgresStoreSettings settings;
    private final PostgresConnector connector;
    private final PostgresConfigTable table;
    private final ConfigCodec codec = new ConfigCodec();
    private final Consumer<ConfigChanged> publisher;
    private final String writer;
    /** Serializes this replica's writes, so one replica holds at most one store connection for writing. */
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Serializes publishing, so observers see versions in increasing order whoever found them. */
    private final ReentrantLock publishLock = new ReentrantLock();
    private final PostgresConfigWatcher watcher;
    private volatile GatewayConfig current;
    /** Whether the warning that the history cannot be pruned was logged (once per store). */
    private final AtomicBoolean notPrunedWarned = new AtomicBoolean();
    /** Why the store cannot be reached right now, or null. */
    private volatile String problem;

    /**
     * Connects, creates the table if missing, loads the newest version and starts watching for changes.
     *
     * @param publisher receives one event per newer version seen, after it is committed
     * @throws ConfigException when the store refuses us, stays down for {@link #STARTUP_WAIT}, or holds a
     *                         document this Portcullis cannot read
     */
    public PostgresConfigStore(PostgresStoreSettings settings, Consumer<ConfigChanged> publisher) {
        this.settings = Objects.requireNonNull(settings);
        this.publisher = Objects.requireNonNull(publisher);
        this.connector = new PostgresConnector(settings);
        this.table = new PostgresConfigTable(settings.table());
        this.writer = WriterIdentity.describe();
        this.current = loadAtStartup();
        this.watcher = new PostgresConfigWatcher(this, connector, table, settings.pollInterval());
        watcher.start();
    }

    @Override
    public GatewayConfig current() {
        return current;
    }

    @Override
    public Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    @Override
    public GatewayConfig update(long expectedVersion, UnaryOperator<GatewayConfig> change) {
        Objects.requireNonNull(change, "change");
        writeLock.lock();
        try {
            GatewayConfig after = write(expectedVersion, change);
            advanceTo(after);
            return after;
        } finally {
            writeLock.unlock();
        }
    }

    private GatewayConfig write(long expectedVersion, UnaryOperator<GatewayConfig> change) {
        boolean committing = false;
        try (Connection connection = connector.open()) {
            connection.setAutoCommit(false);
            try {
                table.lockWriters(connection);
                GatewayConfig before = decode(table.newest(connection));
                if (expectedVersion != ANY_VERSION && expectedVersion != before.version()) {
                    connection.rollback();
                    advanceTo(before);
                    throw new VersionConflictException(expectedVersion, before.version());
                }
                GatewayConfig after = NextVersion.of(before, change);
                table.append(connection, after.version(), codec.serialize(after), writer);
                if (!table.prune(connection, settings.history())) {
                    warnNotPruned(connection);
                }
                committing = true;
                connection.commit();
                return after;
            } catch (SQLException | RuntimeException e) {
                if (!committing) {
                    rollbackQuietly(connection);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new ConfigStoreUnavailableException("the configuration store (" + settings.redactedUrl() + ") "
                    + (committing ? "broke off during the commit: the change may or may not be stored; read the "
                    + "configuration again before retrying" : "cannot be written: " + PostgresConnector.describe(e)
                    + "; nothing was stored"), e);
        }
    }

    /**
     * Once per store (one per process): the role may not delete from the table, so its history grows with every
     * write. Names the table and the grant, never the connection's secrets.
     */
    private void warnNotPruned(Connection connection) {
        if (!notPrunedWarned.compareAndSet(false, true)) {
            return;
        }
        String role;
        try {
            role = connection.getMetaData().getUserName();
        } catch (SQLException e) {
            role = "<the store's role>";
        }
        LOG.warnf("The configuration history in %s is not pruned: role %s may not delete from it (SQLSTATE %s), so the "
                        + "table keeps every version instead of the newest %d (%s). To prune, run: GRANT DELETE ON %s TO %s",
                table, role, PostgresConfigTable.INSUFFICIENT_PRIVILEGE, settings.history(), SettingNames.POSTGRESQL_HISTORY,
                table, role);
    }

    /** The newest stored version, read now rather than at the watcher's next notification or poll. */
    @Override
    public GatewayConfig refresh() {
        try (Connection connection = connector.open()) {
            if (table.newestVersion(connection) > current.version()) {
                onNewest(table.newest(connection));
            }
            return current;
        } catch (SQLException e) {
            throw new ConfigException("the configuration store cannot be read: " + e.getMessage(), e);
        }
    }

    /** The watcher found this newest stored document (or null: nothing stored); publishes it if newer. */
    void onNewest(PostgresConfigTable.Row row) {
        advanceTo(decode(row));
    }

    void reachable() {
        if (problem != null) {
            LOG.infof("The configuration store is reachable again; serving version %d", current.version());
        }
        problem = null;
    }

    void unreachable(String why) {
        if (!why.equals(problem)) {
            LOG.warnf("The configuration store cannot be reached (%s); still serving configuration version %d",
                    why, current.version());
        }
        problem = why;
    }

    /** Makes {@code newer} current and publishes it, unless this replica already has that version or a later one. */
    private void advanceTo(GatewayConfig newer) {
        publishLock.lock();
        try {
            GatewayConfig before = current;
            if (newer.version() <= before.version()) {
                return;
            }
            current = newer;
            try {
                publisher.accept(new ConfigChanged(before, newer));
            } catch (RuntimeException e) {
                LOG.errorf(e, "Configuration version %d is stored, but an observer failed to apply it", newer.version());
            }
        } finally {
            publishLock.unlock();
        }
    }

    private GatewayConfig decode(PostgresConfigTable.Row row) {
        if (row == null) {
            return GatewayConfig.EMPTY;
        }
        GatewayConfig config;
        try {
            config = codec.parse(row.document());
        } catch (ConfigException e) {
            throw new ConfigException("version " + row.version() + " in the configuration table " + table
                    + " cannot be read: " + e.getMessage(), e);
        }
        if (config.version() != row.version()) {
            throw new ConfigException("the configuration table " + table + " holds version " + config.version()
                    + " in the row of version " + row.version());
        }
        return config;
    }

    private GatewayConfig loadAtStartup() {
        long deadline = System.nanoTime() + STARTUP_WAIT.toNanos();
        while (true) {
            try (Connection connection = connector.open()) {
                table.create(connection);
                GatewayConfig loaded = decode(table.newest(connection));
                LOG.infof("Loaded configuration version %d from the %s (%d databases, %d users, %d API tokens)",
                        loaded.version(), settings, loaded.databases().size(), loaded.users().size(),
                        loaded.tokens().size());
                return loaded;
            } catch (SQLException e) {
                if (!PostgresConnector.isTransient(e)) {
                    throw new ConfigException("cannot start: the " + settings + " refuses us: " + PostgresConnector.describe(e), e);
                }
                if (System.nanoTime() > deadline) {
                    throw new ConfigException("cannot start: the " + settings + " stayed unreachable for "
                            + STARTUP_WAIT.toSeconds() + "s: " + PostgresConnector.describe(e), e);
                }
                LOG.warnf("Waiting for the configuration store: %s", PostgresConnector.describe(e));
                sleep(STARTUP_RETRY);
            }
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // The connection is closed next; PostgreSQL rolls back a transaction whose connection ends.
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigException("interrupted while waiting for the configuration store");
        }
    }

    /** Whether this replica is subscribed to other replicas' changes right now (for tests and diagnostics). */
    boolean listening() {
        return watcher.listening();
    }

    /** Stops the watcher; {@link #current()} keeps answering with the last snapshot. */
    @Override
    public void close() {
        watcher.close();
    }
}
