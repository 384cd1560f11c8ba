package io.portcullis.config;

import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The background thread through which a replica learns about other replicas' writes to the shared store.
 *
 * <p>It holds one connection that LISTENs on the table's channel. A notification carries the version
 * written; a newer one than this replica has makes it read the newest row and hand it to the store, which
 * publishes it. Every poll interval it reads the newest version anyway: that catches notifications sent
 * while it was not listening (reconnects, a store restart) and proves the connection still works. On any
 * error it drops the connection, reports the store unreachable and tries again with exponential back-off
 * from {@link #FIRST_BACKOFF} to {@link #MAX_BACKOFF}; the last good configuration keeps serving meanwhile.
 *
 * <p>A thread of its own (not a Vert.x worker) because it blocks on the socket by design and for good.
 */
final class PostgresConfigWatcher implements Runnable {

    static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** The longest single wait for notifications: how quickly {@link #close()} is noticed. */
    static final Duration WAIT_SLICE = Duration.ofMillis(500);
    static final Duration STOP_WAIT = Duration.ofSeconds(5);
    static final String THREAD_NAME = "portcullis-config-watch";

    private static final Logger LOG = Logger.getLogger(PostgresConfigWatcher.class);

    private final PostgresConfigStore store;
    private final PostgresConnector connector;
    private final PostgresConfigTable table;
    private final Duration pollInterval;
    private final Thread thread;
    private volatile boolean closed;
    /** True while a LISTEN is in place and everything stored before it has been read. */
    private volatile boolean listening;

    PostgresConfigWatcher(PostgresConfigStore store, PostgresConnector connector, PostgresConfigTable table,
                          Duration pollInterval) {
        this.store = store;
        this.connector = connector;
        this.table = table;
        this.pollInterval = pollInterval;
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
            try (Connection connection = connector.open()) {
                table.listen(connection);
                // Anything written before LISTEN took effect is read here; anything after arrives as a notification.
                refresh(connection);
                store.reachable();
                listening = true;
                backoff = FIRST_BACKOFF;
                watch(connection);
            } catch (SQLException | RuntimeException e) {
                listening = false;
                if (closed) {
                    return;
                }
                store.unreachable(PostgresConnector.describe(e));
                LOG.debugf(e, "Configuration watch failed; retrying in %d ms", backoff.toMillis());
                pause(backoff);
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    /** Waits for notifications and poll deadlines on a listening connection until it fails or the watcher closes. */
    private void watch(Connection connection) throws SQLException {
        PGConnection listening = connection.unwrap(PGConnection.class);
        long nextPoll = System.nanoTime() + pollInterval.toNanos();
        while (!closed) {
            long untilPoll = Math.max(1, (nextPoll - System.nanoTime()) / 1_000_000);
            PGNotification[] notifications = listening.getNotifications((int) Math.min(untilPoll, WAIT_SLICE.toMillis()));
            if (newerAnnounced(notifications)) {
                refresh(connection);
            }
            if (System.nanoTime() - nextPoll >= 0) {
                refresh(connection);
                nextPoll = System.nanoTime() + pollInterval.toNanos();
            }
        }
    }

    private boolean newerAnnounced(PGNotification[] notifications) {
        if (notifications == null) {
            return false;
        }
        long known = store.current().version();
        for (PGNotification notification : notifications) {
            try {
                if (Long.parseLong(notification.getParameter()) > known) {
                    return true;
                }
            } catch (NumberFormatException e) {
                return true; // not ours to interpret: read the table, which is the truth
            }
        }
        return false;
    }

    /** Reads the newest version, and its document only when it is newer than this replica's. */
    private void refresh(Connection connection) throws SQLException {
        if (table.newestVersion(connection) > store.current().version()) {
            store.onNewest(table.newest(connection));
        }
    }

    private void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            // Only close() interrupts this thread; the loop sees the flag next.
        }
    }

    boolean listening() {
        return listening;
    }

    void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(STOP_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
