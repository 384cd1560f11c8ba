package io.portcullis.proxy;

import io.portcullis.pool.PoolManager;
import io.portcullis.pool.PoolStats;
import io.portcullis.testing.Backends;
import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.PoolProbe;
import io.portcullis.testing.PostgresServer;
import io.portcullis.testing.QuestDbServer;
import io.portcullis.testing.SlowLink;
import io.portcullis.testing.TestSettings;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A slow, choppy network between the gateway and its backends ({@link SlowLink}): every chunk held
 * for tens of milliseconds, or cut into pieces of 1 to 7 bytes. Frames that arrive in pieces must be
 * reassembled, never misread, so every answer is checked value by value.
 */
@QuarkusTest
class SlowNetworkTest {

    private static final String USER = "slow_user";
    private static final String PASSWORD = "slow-pass";
    private static final int TINY_PIECE = 7;
    private static final Duration CHUNK_DELAY = Duration.ofMillis(30);

    @Inject
    PoolManager pools;

    private static SlowLink pgChoppy;
    private static SlowLink pgDelayed;
    private static SlowLink questdbChoppyAndDelayed;

    @BeforeAll
    static void links() {
        PostgresServer pg = Backends.postgres();
        QuestDbServer questdb = Backends.questdb();
        pgChoppy = SlowLink.start(pg.host(), pg.port(), Duration.ZERO, TINY_PIECE);
        pgDelayed = SlowLink.start(pg.host(), pg.port(), CHUNK_DELAY, Integer.MAX_VALUE);
        questdbChoppyAndDelayed = SlowLink.start(questdb.host(), questdb.pgPort(), Duration.ofMillis(20), TINY_PIECE);
        GatewayClient.putDatabase("slow_pg_choppy", Map.of("host", pgChoppy.host(), "port", pgChoppy.port(),
                "dbname", pg.database(), "user", pg.scramUser(), "password", pg.scramPassword(), "poolSize", 2));
        GatewayClient.putDatabase("slow_pg_delayed", Map.of("host", pgDelayed.host(), "port", pgDelayed.port(),
                "dbname", pg.database(), "user", pg.md5User(), "password", pg.md5Password(), "poolSize", 2));
        GatewayClient.putDatabase("slow_questdb", Map.of("host", questdbChoppyAndDelayed.host(),
                "port", questdbChoppyAndDelayed.port(), "user", questdb.user(), "password", questdb.password(), "poolSize", 2));
        GatewayClient.putUser(USER, Map.of("password", PASSWORD));
    }

    @AfterAll
    static void close() {
        for (String db : new String[] {"slow_pg_choppy", "slow_pg_delayed", "slow_questdb"}) {
            GatewayClient.deleteDatabase(db);
        }
        pgChoppy.close();
        pgDelayed.close();
        questdbChoppyAndDelayed.close();
    }

    @AfterEach
    void defaults() {
        TestSettings.reset();
    }

    /** pgJDBC with named server-side statements from the first execution (extended protocol, Parse/Bind/Execute). */
    private static Connection connect(String database) throws SQLException {
        return GatewayClient.connect(database, USER, PASSWORD, Map.of("prepareThreshold", "1"));
    }

    private static String md5(String text) throws Exception {
        byte[] digest = MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
        return String.format("%032x", new BigInteger(1, digest));
    }

    private static void assertPostgresAnswersCorrectly(Connection c) throws Exception {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT g, md5(g::text) FROM generate_series(1, 1000) g ORDER BY g")) {
            for (int i = 1; i <= 1000; i++) {
                assertTrue(rs.next(), "row " + i);
                assertEquals(i, rs.getInt(1));
                assertEquals(md5(Integer.toString(i)), rs.getString(2), "row " + i);
            }
            assertFalse(rs.next());
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT repeat('ab', 50000)")) {
            assertTrue(rs.next());
            assertEquals("ab".repeat(50_000), rs.getString(1), "one 100 kB value, reassembled");
        }
        try (PreparedStatement p = c.prepareStatement("SELECT ?::int * 2, ?::text || '!'")) {
            for (int i = 0; i < 20; i++) {
                p.setInt(1, i);
                p.setString(2, "v" + i);
                try (ResultSet rs = p.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals(2 * i, rs.getInt(1));
                    assertEquals("v" + i + "!", rs.getString(2));
                }
            }
        }
    }

    @Test
    void postgresAnswersCorrectlyThroughAChoppyLink() throws Exception {
        long before = pgChoppy.piecesRelayed();
        try (Connection c = connect("slow_pg_choppy")) {
            assertPostgresAnswersCorrectly(c);
        }
        assertTrue(pgChoppy.piecesRelayed() - before > 10_000, "the answers really came in tiny pieces");
    }

    @Test
    void postgresAnswersCorrectlyThroughADelayedLink() throws Exception {
        try (Connection c = connect("slow_pg_delayed")) {
            assertPostgresAnswersCorrectly(c);
        }
    }

    @Test
    void questDbAnswersCorrectlyThroughAChoppyDelayedLink() throws Exception {
        try (Connection c = connect("slow_questdb")) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT x, x * x FROM long_sequence(500)")) {
                for (long i = 1; i <= 500; i++) {
                    assertTrue(rs.next(), "row " + i);
                    assertEquals(i, rs.getLong(1));
                    assertEquals(i * i, rs.getLong(2));
                }
                assertFalse(rs.next());
            }
            try (PreparedStatement p = c.prepareStatement("SELECT count(*), sum(x) FROM long_sequence(100) WHERE x > ?")) {
                for (long floor = 0; floor < 100; floor += 25) {
                    p.setLong(1, floor);
                    try (ResultSet rs = p.executeQuery()) {
                        assertTrue(rs.next());
                        assertEquals(100 - floor, rs.getLong(1));
                        assertEquals((100 * 101 - floor * (floor + 1)) / 2, rs.getLong(2), "sum above " + floor);
                    }
                }
            }
        }
    }

    @Test
    void aQuerySlowerThanTheQueryTimeoutIsCancelledWith57014ThroughADelayedLink() throws Exception {
        TestSettings.put(Map.of("queryTimeout", "1s"));
        try (Connection c = connect("slow_pg_delayed")) {
            long start = System.nanoTime();
            SQLException e = assertThrows(SQLException.class, () -> {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1 FROM pg_sleep(30)")) {
                    rs.next();
                }
            });
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals("57014", e.getSQLState(), e.toString());
            assertTrue(took >= 900 && took < 10_000, "cancelled after about the timeout, not " + took + " ms");
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 5")) {
                assertTrue(rs.next());
                assertEquals(5, rs.getInt(1), "the session goes on after the cancel");
            }
        }
    }

    @Test
    void aBackendCutOffMidSessionEndsItWith57014AtTheQueryTimeoutAndFreesThePoolSlot() throws Exception {
        PostgresServer pg = Backends.postgres();
        try (SlowLink partition = SlowLink.start(pg.host(), pg.port(), Duration.ZERO, Integer.MAX_VALUE)) {
            GatewayClient.putDatabase("slow_pg_cut", Map.of("host", partition.host(), "port", partition.port(),
                    "dbname", pg.database(), "user", pg.scramUser(), "password", pg.scramPassword(), "poolSize", 1));
            TestSettings.put(Map.of("queryTimeout", "1s"));
            try (Connection c = connect("slow_pg_cut")) {
                assertEquals(1, selectInt(c, "SELECT 1"));
                partition.freeze(); // the query, its CancelRequest and any answer are all swallowed
                long start = System.nanoTime();
                SQLException e = assertThrows(SQLException.class, () -> selectInt(c, "SELECT 2"));
                long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertEquals("57014", e.getSQLState(), e.toString());
                long expected = 1_000 + SessionTimeouts.CANCEL_GRACE.toMillis();
                assertTrue(took >= expected - 200 && took < expected + 8_000,
                        "ended after the timeout and the cancel grace, not after " + took + " ms");
            }
            PoolStats after = awaitNoneOpen("slow_pg_cut");
            assertEquals(0, after.open(), "the cut-off server connection was closed, not kept: " + after);
            partition.thaw();
            try (Connection next = connect("slow_pg_cut")) {
                assertEquals(3, selectInt(next, "SELECT 3"), "the pool's only slot serves a new connection");
            }
        } finally {
            GatewayClient.deleteDatabase("slow_pg_cut");
        }
    }

    private static int selectInt(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next());
            return rs.getInt(1);
        }
    }

    private PoolStats awaitNoneOpen(String database) throws InterruptedException {
        return PoolProbe.awaitNoneOpen(pools, database);
    }

    private PoolStats stats(String database) {
        return PoolProbe.stats(pools, database);
    }

    @Test
    void aChoppyLinkBetweenClientAndGatewayCarriesTlsAndQueries() throws Exception {
        try (SlowLink clientSide = SlowLink.start("127.0.0.1", GatewayClient.gatewayPort(), Duration.ZERO, TINY_PIECE)) {
            Properties props = new Properties();
            props.setProperty("user", USER);
            props.setProperty("password", PASSWORD);
            props.setProperty("sslmode", "require");
            props.setProperty("prepareThreshold", "1");
            props.setProperty("connectTimeout", "10");
            props.setProperty("socketTimeout", "60");
            try (Connection c = DriverManager.getConnection(
                    "jdbc:postgresql://127.0.0.1:" + clientSide.port() + "/slow_pg_choppy", props)) {
                assertPostgresAnswersCorrectly(c);
            }
            assertTrue(clientSide.piecesRelayed() > 10_000, "TLS records came in tiny pieces");
        }
    }
}
