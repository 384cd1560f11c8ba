package io.portcullis.pool;

import io.micrometer.core.instrument.MeterRegistry;
import io.portcullis.pool.PoolManager;
import io.portcullis.pool.PoolStats;
import io.portcullis.testing.Backends;
import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.QuestDbServer;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A backend that dies under load and comes back: clients get SQL errors (never hang), the pools drop the
 * dead connections, and once the backend is back new queries work and the pools' counts return to sane
 * values with nothing leaked. Runs against a QuestDB of its own, killed with SIGKILL as a crash would.
 */
@QuarkusTest
class BackendRestartTest {

    private static final String USER = "restart_user";
    private static final String PASSWORD = "restart-pass";
    private static final String SESSION_DB = "restart_session";
    private static final String TRANSACTION_DB = "restart_txn";
    private static final int POOL_SIZE = 3;
    private static final int CLIENTS_PER_DATABASE = 2;
    /** A client that neither succeeds nor fails for this long is hanging. */
    private static final long HANG_NANOS = TimeUnit.SECONDS.toNanos(15);

    private static QuestDbServer questdb;

    @Inject
    PoolManager pools;
    @Inject
    MeterRegistry registry;

    @BeforeAll
    static void start() {
        questdb = Backends.newQuestDb("restart-questdb");
        for (String db : List.of(SESSION_DB, TRANSACTION_DB)) {
            GatewayClient.putDatabase(db, Map.of("host", questdb.host(), "port", questdb.pgPort(), "user", questdb.user(),
                    "password", questdb.password(), "poolSize", POOL_SIZE,
                    "poolMode", db.equals(SESSION_DB) ? "session" : "transaction"));
        }
        GatewayClient.putUser(USER, Map.of("password", PASSWORD));
    }

    @AfterAll
    static void stop() {
        GatewayClient.deleteDatabase(SESSION_DB);
        GatewayClient.deleteDatabase(TRANSACTION_DB);
        if (questdb != null) {
            questdb.close();
        }
    }

    /** Queries in a loop, reconnecting after each failure, and records what happened when. */
    private static final class LoopingClient implements Runnable {
        final String database;
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicInteger successes = new AtomicInteger();
        final AtomicInteger sqlErrors = new AtomicInteger();
        final AtomicLong lastOutcomeNanos = new AtomicLong(System.nanoTime());
        final AtomicLong lastSuccessNanos = new AtomicLong();
        final AtomicLong lastErrorNanos = new AtomicLong();
        final AtomicReference<Throwable> unexpected = new AtomicReference<>();
        final Thread thread;

        LoopingClient(String database, int n) {
            this.database = database;
            this.thread = new Thread(this, "restart-client-" + database + "-" + n);
        }

        @Override
        public void run() {
            while (running.get()) {
                try (Connection c = GatewayClient.connect(database, USER, PASSWORD, Map.of("prepareThreshold", "0"));
                     Statement s = c.createStatement()) {
                    while (running.get()) {
                        try (ResultSet rs = s.executeQuery("SELECT 1")) {
                            rs.next();
                        }
                        successes.incrementAndGet();
                        long now = System.nanoTime();
                        lastSuccessNanos.set(now);
                        lastOutcomeNanos.set(now);
                        Thread.sleep(20);
                    }
                } catch (SQLException e) {
                    sqlErrors.incrementAndGet();
                    long now = System.nanoTime();
                    lastErrorNanos.set(now);
                    lastOutcomeNanos.set(now);
                    sleep(200);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    unexpected.set(e);
                    return;
                }
            }
        }

        private static void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private PoolStats stats(String database) {
        return pools.stats().stream().filter(s -> s.database().equals(database)).findFirst().orElseThrow();
    }

    private double counter(String name, String database) {
        var counter = registry.find(name).tag("database", database).counter();
        return counter == null ? 0 : counter.count();
    }

    private static void await(String what, long seconds, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            Thread.sleep(100);
        }
    }

    @Test
    void clientsGetErrorsWhileTheBackendIsDownAndThePoolsRecoverWithoutLeaks() throws Exception {
        List<LoopingClient> clients = new ArrayList<>();
        for (String db : List.of(SESSION_DB, TRANSACTION_DB)) {
            for (int i = 0; i < CLIENTS_PER_DATABASE; i++) {
                clients.add(new LoopingClient(db, i));
            }
        }
        clients.forEach(c -> c.thread.start());
        try {
            await("every client has run queries", 60, () -> clients.stream().allMatch(c -> c.successes.get() > 5));

            long killedAt = System.nanoTime();
            questdb.kill();
            await("every client got an SQL error", 30, () -> clients.stream().allMatch(c -> c.lastErrorNanos.get() > killedAt));
            long allFailed = System.nanoTime();
            Thread.sleep(2000); // clients keep trying while the backend is down: each attempt must end in an error
            long now = System.nanoTime();
            for (LoopingClient c : clients) {
                assertTrue(now - c.lastOutcomeNanos.get() < HANG_NANOS, c.thread.getName() + " hangs");
                assertTrue(c.lastSuccessNanos.get() < allFailed, c.thread.getName() + " succeeded while the backend was down");
            }

            long restartedAt = System.nanoTime();
            questdb.restart();
            await("every client runs queries again", 60,
                    () -> clients.stream().allMatch(c -> c.lastSuccessNanos.get() > restartedAt));
        } finally {
            clients.forEach(c -> c.running.set(false));
            for (LoopingClient c : clients) {
                c.thread.join(TimeUnit.SECONDS.toMillis(70));
                assertFalse(c.thread.isAlive(), c.thread.getName() + " did not stop: a query hangs");
            }
        }
        for (LoopingClient c : clients) {
            assertEquals(null, c.unexpected.get(), c.thread.getName() + " failed with a non-SQL error");
        }

        for (String db : List.of(SESSION_DB, TRANSACTION_DB)) {
            await("the pool of " + db + " settles", 20, () -> {
                PoolStats s = stats(db);
                return s.lent() == 0 && s.waiting() == 0 && s.resetting() == 0 && s.loggingIn() == 0;
            });
            PoolStats settled = stats(db);
            assertTrue(settled.open() >= 1 && settled.open() <= POOL_SIZE, "open within the pool size: " + settled);
            assertEquals(settled.open(), settled.idle(), "every open connection is idle: " + settled);
            double opened = counter("portcullis.server.connections.opened", db);
            double closed = counter("portcullis.server.connections.closed", db);
            assertEquals(settled.open(), (int) (opened - closed),
                    "opened - closed = open: no connection leaked (" + opened + " opened, " + closed + " closed)");
            assertTrue(closed >= 1, "the dead connections were dropped");
        }
        try (Connection c = GatewayClient.connect(TRANSACTION_DB, USER, PASSWORD); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT 42")) {
            assertTrue(rs.next());
            assertEquals(42, rs.getInt(1));
        }
    }
}
