package io.portcullis.cluster;

import io.portcullis.config.PostgresConnector;
import io.portcullis.log.LogText;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The registry on the shared PostgreSQL store: a thread of its own registers this replica, refreshes its row every
 * heartbeat interval and reads every row, so the console and the metrics have a snapshot that is never older than
 * one interval. A newly applied configuration version (or a new peer address) wakes the thread at once; it waits
 * {@link #COALESCE} so that a burst of versions becomes one write, then writes the newest. With a NOTIFY reaching
 * every replica in milliseconds, each shows the version it applied within a fraction of a second.
 *
 * <p>The store unreachable: the gateway keeps serving, {@link #reachable()} turns false, the snapshot stays as last
 * read, and the thread reconnects with back-off from {@link #FIRST_BACKOFF} to {@link #MAX_BACKOFF}. Its row may
 * then expire for the others, and be taken over (its name) or forgotten; the next heartbeat notices (no row
 * updated) and registers again.
 *
 * <p>One connection, held by the thread between heartbeats and shared under a lock with {@link #refresh()} (API
 * worker threads), so a replica holds one store connection for its registry whatever the request rate.
 */
final class PostgresReplicaDirectory implements ReplicaDirectory, Runnable {

    /** How long a wake-up waits for more versions of a burst before writing the newest. */
    static final Duration COALESCE = Duration.ofMillis(50);
    static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
    /** How long a {@link #refresh()} waits for the connection before answering with the snapshot. */
    static final Duration REFRESH_WAIT = Duration.ofSeconds(1);
    static final Duration STOP_WAIT = Duration.ofSeconds(5);
    static final String THREAD_NAME = "portcullis-replica-heartbeat";

    private static final Logger LOG = Logger.getLogger(PostgresReplicaDirectory.class);

    private final PostgresConnector connector;
    private final ReplicaTable table;
    private final String wantedName;
    private final String softwareVersion;
    private final Duration interval;
    private final Duration forgetAfter;
    private final BooleanSupplier ready;
    /** Random per process: tells this process's row from a row of the same name left by an earlier one. */
    private final String instance = UUID.randomUUID().toString();
    private final Instant startedAt = Instant.now();
    private final Thread thread;
    private final ReentrantLock connectionLock = new ReentrantLock();
    private final Object wake = new Object();

    private Connection connection; // guarded by connectionLock
    private boolean pending; // guarded by wake
    private volatile ReplicaTable.Own own;
    private volatile List<Replica> replicas = List.of();
    private volatile boolean reachable;
    private volatile String problem;
    private volatile long configVersion;
    private volatile String address;
    private volatile boolean closed;

    PostgresReplicaDirectory(PostgresConnector connector, String configTable, String name, String softwareVersion,
                             long configVersion, Duration interval, Duration forgetAfter, BooleanSupplier ready) {
        this.connector = connector;
        this.table = new ReplicaTable(configTable);
        this.wantedName = name;
        this.softwareVersion = softwareVersion;
        this.configVersion = configVersion;
        this.interval = interval;
        this.forgetAfter = forgetAfter;
        this.ready = ready;
        this.thread = new Thread(this, THREAD_NAME);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    @Override
    public void run() {
        Duration backoff = FIRST_BACKOFF;
        while (!closed) {
            if (beat()) {
                backoff = FIRST_BACKOFF;
                awaitWakeOrHeartbeat();
            } else {
                pause(backoff);
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    /** Registers or refreshes this replica's row, forgets long-dead rows and reads every row. */
    private boolean beat() {
        connectionLock.lock();
        try {
            if (connection == null) {
                connection = connector.open();
                table.create(connection);
            }
            ReplicaTable.Own registered = own;
            if (registered == null) {
                own = register("Registered");
            } else {
                ReplicaTable.Own next = withCurrentState(registered);
                own = table.heartbeat(connection, next) ? next : register("The registry row was gone (expired or "
                        + "taken over while this replica could not reach the store); registered again");
            }
            int forgotten = table.forget(connection, forgetAfter);
            if (forgotten > 0) {
                LOG.infof("Forgot %d replica(s) without a heartbeat for %s", forgotten, forgetAfter);
            }
            replicas = table.all(connection, instance);
            markReachable();
            return true;
        } catch (SQLException | RuntimeException e) {
            if (closed) {
                return false;
            }
            dropConnection();
            markUnreachable(PostgresConnector.describe(e));
            return false;
        } finally {
            connectionLock.unlock();
        }
    }

    private ReplicaTable.Own register(String what) throws SQLException {
        ReplicaTable.Own wanted = new ReplicaTable.Own(wantedName, instance, 0, address, softwareVersion, configVersion,
                ready.getAsBoolean(), startedAt, interval);
        ReplicaTable.Own got = table.register(connection, wanted);
        if (!got.name().equals(wantedName)) {
            LOG.warnf("Replica name %s is held by another live replica: registered as %s. Give each replica a name "
                    + "of its own with portcullis.replica.name", LogText.quote(wantedName), LogText.quote(got.name()));
        }
        LOG.infof("%s as replica %s (peer id %d) in %s", what, LogText.quote(got.name()), got.peerId(), table);
        return got;
    }

    private ReplicaTable.Own withCurrentState(ReplicaTable.Own registered) {
        return new ReplicaTable.Own(registered.name(), instance, registered.peerId(), address, softwareVersion,
                configVersion, ready.getAsBoolean(), startedAt, interval);
    }

    /** Sleeps until the next heartbeat, or until woken; a wake-up lingers {@link #COALESCE} to take in a burst. */
    private void awaitWakeOrHeartbeat() {
        try {
            boolean woken;
            synchronized (wake) {
                long deadline = System.nanoTime() + interval.toNanos();
                long left;
                while (!pending && !closed && (left = deadline - System.nanoTime()) > 0) {
                    TimeUnit.NANOSECONDS.timedWait(wake, left);
                }
                woken = pending;
            }
            if (woken) {
                Thread.sleep(COALESCE.toMillis());
            }
        } catch (InterruptedException e) {
            // Only close() interrupts this thread; the loop sees the flag next.
        }
        synchronized (wake) {
            pending = false;
        }
    }

    private void wakeUp() {
        synchronized (wake) {
            pending = true;
            wake.notifyAll();
        }
    }

    private void pause(Duration duration) {
        synchronized (wake) {
            try {
                long deadline = System.nanoTime() + duration.toNanos();
                long left;
                while (!closed && (left = deadline - System.nanoTime()) > 0) {
                    TimeUnit.NANOSECONDS.timedWait(wake, left);
                }
            } catch (InterruptedException e) {
                // Only close() interrupts this thread.
            }
        }
    }

    private void markReachable() {
        if (problem != null) {
            LOG.infof("The replica registry reaches the configuration store again (%s)", table);
        }
        problem = null;
        reachable = true;
    }

    private void markUnreachable(String why) {
        if (!why.equals(problem)) {
            LOG.warnf("The replica registry cannot reach the configuration store (%s); retrying", why);
        }
        problem = why;
        reachable = false;
    }

    private void dropConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // Already broken.
            }
            connection = null;
        }
    }

    @Override
    public List<Replica> replicas() {
        return replicas;
    }

    @Override
    public List<Replica> refresh() {
        try {
            if (!connectionLock.tryLock(REFRESH_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                return replicas;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return replicas;
        }
        try {
            if (connection == null || own == null || closed) {
                return replicas;
            }
            replicas = table.all(connection, instance);
            return replicas;
        } catch (SQLException | RuntimeException e) {
            dropConnection();
            markUnreachable(PostgresConnector.describe(e));
            wakeUp();
            return replicas;
        } finally {
            connectionLock.unlock();
        }
    }

    @Override
    public Replica self() {
        for (Replica replica : replicas) {
            if (replica.self()) {
                return replica;
            }
        }
        ReplicaTable.Own registered = own;
        return new Replica(registered == null ? wantedName : registered.name(),
                registered == null ? 0 : registered.peerId(), address, softwareVersion, configVersion, startedAt,
                null, ready.getAsBoolean(), false, true);
    }

    @Override
    public boolean reachable() {
        return reachable;
    }

    @Override
    public long applied() {
        return configVersion;
    }

    @Override
    public void applied(long version) {
        synchronized (wake) {
            if (version <= configVersion) {
                return;
            }
            configVersion = version;
        }
        wakeUp();
    }

    @Override
    public void address(String hostPort) {
        address = hostPort;
        wakeUp();
    }

    /** Stops the heartbeat and deletes this replica's row, so the others stop listing it at once. */
    @Override
    public void close() {
        closed = true;
        wakeUp();
        thread.interrupt();
        try {
            thread.join(STOP_WAIT.toMillis());
            if (!connectionLock.tryLock(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warnf("The replica registry is still waiting for the store; row %s is left to expire", table);
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try {
            ReplicaTable.Own registered = own;
            if (connection != null && registered != null) {
                table.leave(connection, registered);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.debugf(e, "Could not delete this replica's row; it expires instead");
        } finally {
            dropConnection();
            connectionLock.unlock();
        }
    }

    /** Stops the heartbeat and leaves the row behind, as a killed process would (tests). */
    void halt() {
        closed = true;
        wakeUp();
        thread.interrupt();
        try {
            thread.join(STOP_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        connectionLock.lock();
        try {
            dropConnection();
        } finally {
            connectionLock.unlock();
        }
    }

    /** The row's owner id, for tests. */
    String instance() {
        return instance;
    }
}
