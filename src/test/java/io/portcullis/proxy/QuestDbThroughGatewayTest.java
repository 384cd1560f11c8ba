package io.portcullis.proxy;

import io.portcullis.testing.Backends;
import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.QuestDbServer;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real QuestDB behind the gateway, driven by pgJDBC over TLS. */
@QuarkusTest
class QuestDbThroughGatewayTest {

    static final String DB = "quest";
    static final String DB_ONE = "quest_one";
    static final String DB_TEN = "quest_ten";
    static final String USER = "analyst";
    static final String PASSWORD = "s3cret-analyst";

    @BeforeAll
    static void configure() throws SQLException {
        QuestDbServer questdb = Backends.questdb();
        for (var db : List.of(Map.entry(DB, 4), Map.entry(DB_ONE, 1), Map.entry(DB_TEN, 10))) {
            GatewayClient.putDatabase(db.getKey(), Map.of("host", questdb.host(), "port", questdb.pgPort(),
                    "user", questdb.user(), "password", questdb.password(), "poolSize", db.getValue()));
        }
        GatewayClient.putUser(USER, Map.of("password", PASSWORD));
        try (Connection c = GatewayClient.connect(DB, USER, PASSWORD); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS gw_trades (sym SYMBOL, price DOUBLE, ts TIMESTAMP) TIMESTAMP(ts) PARTITION BY DAY WAL");
            s.execute("TRUNCATE TABLE gw_trades");
            s.execute("INSERT INTO gw_trades VALUES ('BTC', 101.5, '2026-01-01T00:00:00.000Z'), ('ETH', 7.25, '2026-01-01T00:00:01.000Z')");
        }
    }

    @Test
    void queriesReturnRowsOverTls() throws Exception {
        try (Connection c = GatewayClient.connect(DB, USER, PASSWORD); Statement s = c.createStatement()) {
            // WAL tables apply asynchronously; wait (bounded) until both rows are visible.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            int count = 0;
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = s.executeQuery("SELECT count() FROM gw_trades")) {
                    rs.next();
                    count = rs.getInt(1);
                }
                if (count == 2) {
                    break;
                }
                Thread.sleep(100);
            }
            assertEquals(2, count);
            try (ResultSet rs = s.executeQuery("SELECT sym, price FROM gw_trades ORDER BY ts")) {
                assertTrue(rs.next());
                assertEquals("BTC", rs.getString(1));
                assertEquals(101.5, rs.getDouble(2));
                assertTrue(rs.next());
                assertEquals("ETH", rs.getString(1));
            }
            try (ResultSet rs = s.executeQuery("SHOW PARAMETERS")) {
                assertTrue(rs.next(), "QuestDB answered through the gateway");
            } catch (SQLException ignored) {
                // Older QuestDB versions lack SHOW PARAMETERS; the rows above are the proof.
            }
        }
    }

    @Test
    void clientSeesTheBackendsParameterStatus() throws Exception {
        try (Connection c = GatewayClient.connect(DB, USER, PASSWORD)) {
            var pg = c.unwrap(org.postgresql.PGConnection.class);
            assertEquals("QuestDB", pg.getParameterStatus("application_name"));
            assertTrue(pg.getParameterStatus("questdb_version") != null, "questdb_version is relayed");
            assertTrue(pg.getBackendPID() != 0, "BackendKeyData of the gateway's own");
        }
    }

    @Test
    void namedStatementsDoNotLeakToTheNextClientOfAPooledConnection() throws Exception {
        // Pool of one: both clients get the same server connection. pgJDBC names its server-side
        // statements S_1, S_2, ... from the first use (prepareThreshold=1 forces it at once).
        Map<String, String> named = Map.of("prepareThreshold", "-1");
        for (int client = 0; client < 3; client++) {
            try (Connection c = GatewayClient.connect(DB_ONE, USER, PASSWORD, named)) {
                for (int i = 0; i < 3; i++) {
                    try (PreparedStatement ps = c.prepareStatement("SELECT ? + " + client)) {
                        ps.setInt(1, i);
                        try (ResultSet rs = ps.executeQuery()) {
                            assertTrue(rs.next());
                            assertEquals(i + client, rs.getInt(1), "client " + client + " got its own statement's result");
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT sym FROM gw_trades WHERE price > ?")) {
                    ps.setDouble(1, 100);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            assertEquals("BTC", rs.getString(1));
                        }
                    }
                }
            }
        }
    }

    @Test
    void twoHundredConcurrentClientsShareAPoolOfTen() throws Exception {
        GatewayClient.putUser("crowd", Map.of("password", "crowd-pass", "databases", List.of(DB_TEN)));
        ExecutorService pool = Executors.newFixedThreadPool(200);
        try {
            List<Callable<Integer>> tasks = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int n = i;
                tasks.add(() -> {
                    try (Connection c = GatewayClient.connect(DB_TEN, "crowd", "crowd-pass");
                         Statement s = c.createStatement();
                         ResultSet rs = s.executeQuery("SELECT " + n)) {
                        rs.next();
                        return rs.getInt(1);
                    }
                });
            }
            List<Future<Integer>> results = pool.invokeAll(tasks, 120, TimeUnit.SECONDS);
            for (int i = 0; i < results.size(); i++) {
                assertEquals(i, results.get(i).get());
            }
        } finally {
            pool.shutdownNow();
        }
        String pools = GatewayClient.api().auth().oauth2(ADMIN_TOKEN_VALUE)
                .get("/api/v1/databases/" + DB_TEN).then().statusCode(200).extract().asString();
        assertTrue(pools.contains("\"poolSize\":10"), pools);
    }

    @Test
    void wrongPasswordAndUnknownUserGetTheSameAnswer() {
        PSQLException wrong = assertThrows(PSQLException.class, () -> GatewayClient.connect(DB, USER, "nope"));
        PSQLException unknown = assertThrows(PSQLException.class, () -> GatewayClient.connect(DB, "nobody", "nope"));
        assertEquals("28P01", wrong.getSQLState());
        assertEquals("28P01", unknown.getSQLState());
        assertEquals(wrong.getServerErrorMessage().getMessage().replace(USER, "X"),
                unknown.getServerErrorMessage().getMessage().replace("nobody", "X"));
    }

    @Test
    void unknownDatabaseIs3D000() {
        PSQLException e = assertThrows(PSQLException.class, () -> GatewayClient.connect("no_such_db", USER, PASSWORD));
        assertEquals("3D000", e.getSQLState());
        assertTrue(e.getMessage().contains("no_such_db"), e.getMessage());
    }

    @Test
    void userNotAllowedOnDatabaseIs28000() {
        GatewayClient.putUser("narrow", Map.of("password", "narrow-pass", "databases", List.of(DB_TEN)));
        PSQLException e = assertThrows(PSQLException.class, () -> GatewayClient.connect(DB, "narrow", "narrow-pass"));
        assertEquals("28000", e.getSQLState());
    }

    @Test
    void md5UserLogsIn() throws Exception {
        GatewayClient.putUser("legacy", Map.of("password", "legacy-pass", "auth", "md5"));
        try (Connection c = GatewayClient.connect(DB, "legacy", "legacy-pass"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT 42")) {
            assertTrue(rs.next());
            assertEquals(42, rs.getInt(1));
        }
        PSQLException e = assertThrows(PSQLException.class, () -> GatewayClient.connect(DB, "legacy", "bad"));
        assertEquals("28P01", e.getSQLState());
    }
}
