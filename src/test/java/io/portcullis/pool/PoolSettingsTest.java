package io.portcullis.pool;

import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.PoolProbe;
import io.portcullis.testing.TestSettings;
import io.portcullis.testing.Backends;
import io.portcullis.testing.PostgresServer;
import io.portcullis.testing.SlowLink;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pool settings of {@code /api/v1/settings}, each set to a value far from its default and observed
 * through the gateway with pgJDBC against PostgreSQL: the backend process id tells one server connection
 * from another, the pool's counts tell how many are open. Every assertion would fail if the setting were
 * replaced by its default; time bounds are lower bounds, or upper bounds far below what the default gives.
 */
@QuarkusTest
class PoolSettingsTest {

    private static final String USER = "poolset_user";
    private static final String PASSWORD = "poolset-pass";
    /** The janitor's round (PoolManager) plus room for a loaded machine: idle and age limits act within this. */
    private static final long JANITOR_SLACK_SECONDS = 20;

    @Inject
    PoolManager pools;

    @BeforeAll
    static void configure() {
        GatewayClient.putUser(USER, Map.of("password", PASSWORD));
    }

    @AfterEach
    void defaults() {
        TestSettings.reset();
    }

    /** A database on the shared PostgreSQL (or on {@code host:port} in front of it) with the given pool settings. */
    private static void putDatabase(String name, String host, int port, Map<String, Object> pool) {
        PostgresServer pg = Backends.postgres();
        Map<String, Object> body = new HashMap<>(Map.of("host", host, "port", port, "dbname", pg.database(),
                "user", pg.scramUser(), "password", pg.scramPassword()));
        body.putAll(pool);
        GatewayClient.putDatabase(name, body);
    }

    private static void putDatabase(String name, Map<String, Object> pool) {
        putDatabase(name, Backends.postgres().host(), Backends.postgres().port(), pool);
    }

    private static Connection connect(String database) throws SQLException {
        return GatewayClient.connect(database, USER, PASSWORD);
    }

    private static int pid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            assertTrue(rs.next());
            return rs.getInt(1);
        }
    }

    private PoolStats await(String database, Predicate<PoolStats> condition, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        PoolStats now = PoolProbe.stats(pools, database);
        while (!condition.test(now) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            now = PoolProbe.stats(pools, database);
        }
        return now;
    }

    private PoolView pool(String database) {
        return pools.pool(database).orElseThrow().view();
    }

    /**
     * serverIdleTimeout: idle server connections above minPoolSize close after it (the default, 240 s, would
     * keep both for the whole test); the one minPoolSize keeps is one of those that served, not a new one.
     */
    @Test
    void idleServerConnectionsAboveTheMinimumCloseAfterTheIdleTimeout() throws Exception {
        putDatabase("ps_idle", Map.of("poolSize", 3, "minPoolSize", 1));
        try {
            TestSettings.put(Map.of("serverIdleTimeout", "1s"));
            int first;
            int second;
            try (Connection a = connect("ps_idle"); Connection b = connect("ps_idle")) {
                first = pid(a);
                second = pid(b);
            }
            assertNotEquals(first, second, "two sessions at once hold two server connections");
            PoolStats settled = await("ps_idle", s -> s.open() == 1 && s.idle() == 1, JANITOR_SLACK_SECONDS);
            assertEquals(1, settled.open(), "the idle connection above minPoolSize 1 was closed: " + settled);
            List<ServerInfo> left = pool("ps_idle").servers();
            assertEquals(1, left.size(), left.toString());
            assertTrue(Set.of(first, second).contains(left.get(0).backendProcessId()),
                    "minPoolSize kept one of the connections that served, it did not close it and open another: " + left);
        } finally {
            GatewayClient.deleteDatabase("ps_idle");
        }
    }

    /**
     * serverLifetime: a connection is reused while younger than it, is not cut while a session holds it, and
     * is closed when it comes back older (the default, 3600 s, would lend the same backend process again).
     */
    @Test
    void aConnectionOlderThanTheServerLifetimeIsClosedWhenItComesBack() throws Exception {
        long lifetimeSeconds = 5;
        putDatabase("ps_life", Map.of("poolSize", 1));
        try {
            TestSettings.put(Map.of("serverLifetime", lifetimeSeconds + "s"));
            long born = System.nanoTime();
            int first;
            try (Connection a = connect("ps_life")) {
                first = pid(a);
            }
            try (Connection b = connect("ps_life")) {
                assertEquals(first, pid(b), "reused while younger than the lifetime");
                long sleep = TimeUnit.SECONDS.toMillis(lifetimeSeconds + 1) - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - born);
                Thread.sleep(Math.max(0, sleep));
                assertEquals(first, pid(b), "a lent connection is not cut when it passes the lifetime");
            }
            try (Connection c = connect("ps_life")) {
                assertNotEquals(first, pid(c), "the connection past its lifetime was closed when it came back");
            }
        } finally {
            GatewayClient.deleteDatabase("ps_life");
        }
    }

    /**
     * serverResetTimeout bounds the hand-over of a returned connection ({@link HandOver}: the Closes and, at
     * the end of a session on PostgreSQL, DISCARD ALL). A relay between gateway and PostgreSQL holds the
     * backend's answer: under a generous timeout the connection survives a slow hand-over; under 1 s it is
     * closed after about a second, long before the default 10 s.
     */
    @Test
    void theHandOverOfAReturnedConnectionMustFinishWithinTheServerResetTimeout() throws Exception {
        PostgresServer pg = Backends.postgres();
        try (SlowLink link = SlowLink.start(pg.host(), pg.port(), Duration.ZERO, Integer.MAX_VALUE)) {
            putDatabase("ps_reset", link.host(), link.port(), Map.of("poolSize", 1));
            TestSettings.put(Map.of("serverResetTimeout", "30s"));
            int first;
            try (Connection a = connect("ps_reset")) {
                first = pid(a);
                link.freeze();
            }
            Thread.sleep(1_500); // DISCARD ALL is held in the relay
            link.thaw();
            try (Connection b = connect("ps_reset")) {
                assertEquals(first, pid(b), "a hand-over slower than usual but within the timeout keeps the connection");
            }
            assertEquals(1, await("ps_reset", s -> s.idle() == 1, 10).idle());

            TestSettings.put(Map.of("serverResetTimeout", "1s"));
            try (Connection c = connect("ps_reset")) {
                assertEquals(first, pid(c));
                link.freeze();
            }
            long returned = System.nanoTime();
            PoolStats closed = await("ps_reset", s -> s.open() == 0, 7);
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - returned);
            link.thaw();
            assertEquals(0, closed.open(), "the hand-over that did not finish within 1 s closed the connection: " + closed);
            assertTrue(tookMillis >= 800, "closed by the timeout, not at once: " + tookMillis + " ms");
            try (Connection d = connect("ps_reset")) {
                assertNotEquals(first, pid(d), "a new server connection");
            }
        } finally {
            GatewayClient.deleteDatabase("ps_reset");
        }
    }

    /**
     * reservePoolTimeout: with the pool taken, a client gets a reserve connection after 1 s. With the default
     * 5 s it would still be waiting when the 4 s query wait timeout refuses it.
     */
    @Test
    void aReserveConnectionIsLentAfterTheReservePoolTimeout() throws Exception {
        putDatabase("ps_reserve", Map.of("poolSize", 1, "reservePoolSize", 1));
        try {
            TestSettings.put(Map.of("reservePoolTimeout", "1s", "queryWaitTimeout", "4s"));
            try (Connection a = connect("ps_reserve")) {
                int first = pid(a);
                long start = System.nanoTime();
                try (Connection b = connect("ps_reserve")) {
                    long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    assertNotEquals(first, pid(b), "the reserve connection is a second server connection");
                    assertTrue(waitedMillis >= 900 && waitedMillis < 4_500,
                            "the reserve after the 1 s reserve timeout, not after " + waitedMillis + " ms");
                    assertEquals(2, PoolProbe.stats(pools, "ps_reserve").open());
                }
            }
        } finally {
            GatewayClient.deleteDatabase("ps_reserve");
        }
    }

    /**
     * queryWaitTimeout on the pool's own queue (the per-user queue is SessionLimitsTest's): a session-mode
     * login that finds the pool taken gets 53300 after 2 s, not after the default 120 s.
     */
    @Test
    void aLoginWaitingForAFullPoolGets53300AfterTheQueryWaitTimeout() throws Exception {
        putDatabase("ps_wait", Map.of("poolSize", 1));
        try {
            TestSettings.put(Map.of("queryWaitTimeout", "2s"));
            try (Connection a = connect("ps_wait")) {
                pid(a);
                long start = System.nanoTime();
                SQLException e = assertThrows(SQLException.class, () -> connect("ps_wait").close());
                long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertEquals("53300", e.getSQLState(), e.toString());
                assertTrue(e.getMessage().contains("no server connection for database \"ps_wait\" became free within 2 s (pool size 1)"),
                        e.getMessage());
                assertTrue(waitedMillis >= 1_800 && waitedMillis < 15_000, "refused after the 2 s wait, not " + waitedMillis + " ms");
                assertTrue(pid(a) > 0, "the session holding the pool goes on");
            }
        } finally {
            GatewayClient.deleteDatabase("ps_wait");
        }
    }

    /**
     * The same in transaction mode, where a logged-in session borrows for each transaction: its query gets
     * 53300 after the wait while another session holds the only connection in a transaction.
     */
    @Test
    void aTransactionWaitingForAFullPoolGets53300AfterTheQueryWaitTimeout() throws Exception {
        putDatabase("ps_wait_tx", Map.of("poolSize", 1, "poolMode", "transaction"));
        try {
            TestSettings.put(Map.of("queryWaitTimeout", "2s"));
            try (Connection waiting = connect("ps_wait_tx"); Connection holder = connect("ps_wait_tx")) {
                holder.setAutoCommit(false);
                pid(holder); // holds the server connection until commit
                long start = System.nanoTime();
                SQLException e = assertThrows(SQLException.class, () -> pid(waiting));
                long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertEquals("53300", e.getSQLState(), e.toString());
                assertTrue(e.getMessage().contains("became free within 2 s (pool size 1)"), e.getMessage());
                assertTrue(waitedMillis >= 1_800 && waitedMillis < 15_000, "refused after the 2 s wait, not " + waitedMillis + " ms");
                holder.commit();
            }
        } finally {
            GatewayClient.deleteDatabase("ps_wait_tx");
        }
    }

    /**
     * serverLoginRetry (PgBouncer server_login_retry), against PostgreSQL refusing the gateway's login (the
     * database's password is wrong): with it set, the next client gets the failure at once and the backend sees
     * no new connection (counted by a relay in front of it); with the default 0s, every client tries again.
     */
    @Test
    void afterAFailedLoginTheNextClientFailsAtOnceWithinServerLoginRetry() throws Exception {
        try (SlowLink link = SlowLink.start(Backends.postgres().host(), Backends.postgres().port(), Duration.ZERO,
                Integer.MAX_VALUE)) {
            putDatabase("ps_retry", link.host(), link.port(), Map.of("password", "not-the-password", "poolSize", 2));
            try {
                TestSettings.put(Map.of("serverLoginRetry", "10s"));
                SQLException first = assertThrows(SQLException.class, () -> query("ps_retry"));
                assertTrue(first.getMessage().contains("refused the login"), first.getMessage());
                assertEquals(1, link.connectionsAccepted(), "the first client's login reached the backend");

                long started = System.nanoTime();
                SQLException second = assertThrows(SQLException.class, () -> query("ps_retry"));
                long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                assertEquals(first.getSQLState(), second.getSQLState(), second.getMessage());
                assertTrue(second.getMessage().contains("serverLoginRetry"), second.getMessage());
                assertEquals(1, link.connectionsAccepted(), "no new connection to the backend within serverLoginRetry");
                assertTrue(tookMillis < 5_000, "failed at once: " + tookMillis + " ms");

                TestSettings.reset();
                assertThrows(SQLException.class, () -> query("ps_retry"));
                assertEquals(2, link.connectionsAccepted(), "serverLoginRetry 0s (the default): the login is tried again");
            } finally {
                GatewayClient.deleteDatabase("ps_retry");
            }
        }
    }

    private static void query(String database) throws SQLException {
        try (Connection c = connect(database); Statement s = c.createStatement()) {
            s.execute("SELECT 1");
        }
    }
}
