package io.portcullis.proxy;

import io.portcullis.pool.PoolManager;
import io.portcullis.pool.PoolStats;
import io.portcullis.testing.Backends;
import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.PostgresServer;
import io.portcullis.testing.QuestDbServer;
import io.portcullis.testing.RawClient;
import io.portcullis.testing.TestSettings;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The session timeouts and the server check, each set through {@code /api/v1/settings} to a short value
 * (and reset after each test: the application is shared).
 */
@QuarkusTest
class SessionTimeoutsTest {

    private static final String USER = "timeouts_user";
    private static final String PASSWORD = "timeouts-pass";
    /** A QuestDB query that runs for about a minute (QuestDB's own timeout) and ignores CancelRequest. */
    private static final String ENDLESS_QUESTDB_QUERY =
            "SELECT sum(a.x * b.x) FROM long_sequence(100000000) a CROSS JOIN long_sequence(100) b";

    @Inject
    PoolManager pools;

    @BeforeAll
    static void configure() {
        PostgresServer pg = Backends.postgres();
        QuestDbServer questdb = Backends.questdb();
        GatewayClient.putDatabase("to_pg", Map.of("host", pg.host(), "port", pg.port(), "dbname", pg.database(),
                "user", pg.scramUser(), "password", pg.scramPassword(), "poolSize", 1));
        GatewayClient.putDatabase("to_q", Map.of("host", questdb.host(), "port", questdb.pgPort(),
                "user", questdb.user(), "password", questdb.password(), "poolSize", 2));
        GatewayClient.putUser(USER, Map.of("password", PASSWORD));
    }

    @AfterEach
    void defaults() {
        TestSettings.reset();
    }

    private static Connection connect(String database) throws SQLException {
        return GatewayClient.connect(database, USER, PASSWORD);
    }

    private static int selectInt(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next());
            return rs.getInt(1);
        }
    }

    private PoolStats stats(String database) {
        return pools.stats().stream().filter(s -> s.database().equals(database)).findFirst().orElseThrow();
    }

    private PoolStats awaitStats(String database, Predicate<PoolStats> condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        PoolStats now = stats(database);
        while (!condition.test(now) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            now = stats(database);
        }
        return now;
    }

    @Test
    void anIdleClientIsClosedWith57P05EvenWhenTheTimeoutIsSetAfterItLoggedIn() throws Exception {
        try (Connection idle = connect("to_pg"); Connection busy = connect("to_q")) {
            assertEquals(1, selectInt(idle, "SELECT 1"));
            TestSettings.put(Map.of("clientIdleTimeout", "1s"));
            for (int i = 0; i < 12; i++) { // 2.4 s of activity: never idle for 1 s
                assertEquals(i, selectInt(busy, "SELECT " + i));
                Thread.sleep(200);
            }
            SQLException e = assertThrows(SQLException.class, () -> selectInt(idle, "SELECT 2"));
            assertEquals("57P05", e.getSQLState(), e.toString());
            assertTrue(e.getMessage().contains("clientIdleTimeout"), e.getMessage());
            assertEquals(12, selectInt(busy, "SELECT 12"), "the busy client was not closed");
        }
    }

    @Test
    void aClientIdleInATransactionIsClosedWith25P03AndItsServerConnectionWithIt() throws Exception {
        TestSettings.put(Map.of("idleTransactionTimeout", "1s"));
        try (Connection outside = connect("to_q")) {
            int firstPid;
            try (Connection inside = connect("to_pg")) {
                firstPid = selectInt(inside, "SELECT pg_backend_pid()");
                inside.setAutoCommit(false);
                assertEquals(1, selectInt(inside, "SELECT 1"));
                Thread.sleep(2500);
                SQLException e = assertThrows(SQLException.class, () -> selectInt(inside, "SELECT 2"));
                assertEquals("25P03", e.getSQLState(), e.toString());
            }
            assertEquals(3, selectInt(outside, "SELECT 3"), "idle outside a transaction is not limited by it");
            PoolStats after = awaitStats("to_pg", s -> s.open() == 0);
            assertEquals(0, after.open(), "the server connection left mid-transaction was closed, not kept: " + after);
            try (Connection next = connect("to_pg")) {
                assertNotEquals(firstPid, selectInt(next, "SELECT pg_backend_pid()"), "a new server connection");
            }
        }
    }

    @Test
    void aLongQueryIsCancelledOnPostgresAndTheSessionGoesOn() throws Exception {
        TestSettings.put(Map.of("queryTimeout", "1s"));
        try (Connection c = connect("to_pg")) {
            long start = System.nanoTime();
            SQLException e = assertThrows(SQLException.class, () -> selectInt(c, "SELECT 1 FROM pg_sleep(20)"));
            long took = System.nanoTime() - start;
            assertEquals("57014", e.getSQLState(), e.toString());
            assertTrue(took >= TimeUnit.MILLISECONDS.toNanos(900) && took < TimeUnit.SECONDS.toNanos(8),
                    "cancelled after about 1 s, not " + took / 1_000_000 + " ms");
            assertEquals(5, selectInt(c, "SELECT 5"), "the session is still usable");
        }
    }

    @Test
    void aQueryTheBackendWillNotCancelEndsTheSessionWith57014() throws Exception {
        TestSettings.put(Map.of("queryTimeout", "1s"));
        try (Connection c = connect("to_q")) {
            long start = System.nanoTime();
            SQLException e = assertThrows(SQLException.class, () -> selectInt(c, ENDLESS_QUESTDB_QUERY));
            long took = System.nanoTime() - start;
            assertEquals("57014", e.getSQLState(), e.toString());
            assertTrue(e.getMessage().contains("queryTimeout"), e.getMessage());
            long expected = TimeUnit.SECONDS.toNanos(1) + SessionTimeouts.CANCEL_GRACE.toNanos();
            assertTrue(took >= expected - TimeUnit.MILLISECONDS.toNanos(200) && took < expected + TimeUnit.SECONDS.toNanos(8),
                    "closed after the timeout and the cancel grace, not " + took / 1_000_000 + " ms");
            assertThrows(SQLException.class, () -> selectInt(c, "SELECT 1"), "the session is closed");
        }
        try (Connection next = connect("to_q")) {
            assertEquals(1, selectInt(next, "SELECT 1"));
        }
    }

    @Test
    void theLoginTimeoutComesFromTheSettings() throws Exception {
        TestSettings.put(Map.of("clientLoginTimeout", "1s"));
        try (RawClient silent = RawClient.plain(GatewayClient.gatewayPort())) {
            long start = System.nanoTime();
            assertTrue(silent.closedByPeer());
            long took = System.nanoTime() - start;
            assertTrue(took < TimeUnit.SECONDS.toNanos(5), "closed after about 1 s, not " + took / 1_000_000 + " ms");
        }
    }

    @Test
    void aConnectionIdleLongerThanTheCheckDelayIsCheckedAndReplacedWhenTheCheckFails() throws Exception {
        int pid;
        try (Connection c = connect("to_pg")) {
            pid = selectInt(c, "SELECT pg_backend_pid()");
        }
        awaitStats("to_pg", s -> s.idle() == 1);

        // A failing check that is not due yet: the idle connection is lent unchecked.
        TestSettings.put(Map.of("serverCheckDelay", "1h", "serverCheckQuery", "SELECT no_such_column"));
        try (Connection c = connect("to_pg")) {
            assertEquals(pid, selectInt(c, "SELECT pg_backend_pid()"), "no check before the delay");
        }
        awaitStats("to_pg", s -> s.idle() == 1);

        // The default empty query passes: the same connection is lent after its check.
        TestSettings.put(Map.of("serverCheckDelay", "0s"));
        try (Connection c = connect("to_pg")) {
            assertEquals(pid, selectInt(c, "SELECT pg_backend_pid()"), "checked and lent");
        }
        awaitStats("to_pg", s -> s.idle() == 1);

        // A failing check: the connection is closed and the client gets a new one.
        TestSettings.put(Map.of("serverCheckDelay", "0s", "serverCheckQuery", "SELECT no_such_column"));
        try (Connection c = connect("to_pg")) {
            assertNotEquals(pid, selectInt(c, "SELECT pg_backend_pid()"), "the connection that failed its check was replaced");
        }
        PoolStats after = awaitStats("to_pg", s -> s.open() == 1 && s.idle() == 1);
        assertEquals(1, after.open(), "the failed connection left the count: " + after);
    }
}
