package io.portcullis.proxy;

import io.portcullis.pool.PoolManager;
import io.portcullis.testing.Backends;
import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.PostgresServer;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Client limits (gateway-wide and per user), the per-user cap on server connections, the per-user pool mode. */
@QuarkusTest
class SessionLimitsTest {

    private static final String PASSWORD = "limits-pass";
    /** pgJDBC switches to named statements after 5 uses; transaction pooling closes them between transactions. */
    private static final Map<String, String> UNNAMED = Map.of("prepareThreshold", "0");

    @Inject
    PoolManager pools;

    @BeforeAll
    static void configure() {
        PostgresServer pg = Backends.postgres();
        for (String db : List.of("lim_a", "lim_b")) {
            GatewayClient.putDatabase(db, Map.of("host", pg.host(), "port", pg.port(), "dbname", pg.database(),
                    "user", pg.scramUser(), "password", pg.scramPassword(), "poolSize", 5));
        }
        GatewayClient.putDatabase("lim_one", Map.of("host", pg.host(), "port", pg.port(), "dbname", pg.database(),
                "user", pg.scramUser(), "password", pg.scramPassword(), "poolSize", 1));
        GatewayClient.putUser("lim_any", Map.of("password", PASSWORD));
        GatewayClient.putUser("lim_two_clients", Map.of("password", PASSWORD, "maxClientConnections", 2));
        GatewayClient.putUser("lim_one_server", Map.of("password", PASSWORD, "maxUserConnections", 1));
        GatewayClient.putUser("lim_txn", Map.of("password", PASSWORD, "poolMode", "transaction"));
        GatewayClient.putUser("lim_stmt", Map.of("password", PASSWORD, "poolMode", "statement"));
    }

    @AfterEach
    void defaults() {
        TestSettings.reset();
    }

    private static Connection connect(String database, String user) throws SQLException {
        return GatewayClient.connect(database, user, PASSWORD, UNNAMED);
    }

    private static int selectInt(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next());
            return rs.getInt(1);
        }
    }

    private static CompletableFuture<Connection> connectLater(String database, String user) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return connect(database, user);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** A connection closing is noticed by the gateway asynchronously: retry a login for a few seconds. */
    private static Connection connectSoon(String database, String user) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            try {
                return connect(database, user);
            } catch (SQLException e) {
                if (!"53300".equals(e.getSQLState()) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private static void closeAll(List<Connection> connections) throws SQLException {
        for (Connection c : connections) {
            c.close();
        }
    }

    @Test
    void clientsBeyondTheGatewayLimitAreRefusedWith53300() throws Exception {
        TestSettings.put(Map.of("maxClientConnections", 3));
        List<Connection> open = new ArrayList<>();
        try {
            SQLException refused = null;
            for (int i = 0; i < 4 && refused == null; i++) {
                try {
                    open.add(connect("lim_a", "lim_any"));
                } catch (SQLException e) {
                    refused = e;
                }
            }
            assertNotNull(refused, "a fourth client is refused");
            assertEquals("53300", refused.getSQLState(), refused.toString());
            assertTrue(refused.getMessage().contains("max_client_conn"), refused.getMessage());
            assertFalse(open.isEmpty(), "clients below the limit were served");
            open.remove(0).close();
            open.add(connectSoon("lim_a", "lim_any"));
            assertEquals(1, selectInt(open.get(open.size() - 1), "SELECT 1"));
        } finally {
            closeAll(open);
        }
    }

    @Test
    void aUsersClientsBeyondItsLimitAreRefusedWith53300() throws Exception {
        List<Connection> open = new ArrayList<>();
        try {
            open.add(connect("lim_a", "lim_two_clients"));
            open.add(connect("lim_b", "lim_two_clients"));
            SQLException refused = assertThrows(SQLException.class, () -> connect("lim_a", "lim_two_clients"));
            assertEquals("53300", refused.getSQLState(), refused.toString());
            assertTrue(refused.getMessage().contains("lim_two_clients"), refused.getMessage());
            try (Connection other = connect("lim_a", "lim_any")) {
                assertEquals(1, selectInt(other, "SELECT 1"), "other users are not limited");
            }
            open.remove(0).close();
            open.add(connectSoon("lim_a", "lim_two_clients"));
        } finally {
            closeAll(open);
        }
    }

    @Test
    void aUsersServerConnectionsAreCappedAcrossDatabasesAndExtraClientsWait() throws Exception {
        TestSettings.put(Map.of("queryWaitTimeout", "2s"));
        try (Connection first = connect("lim_a", "lim_one_server")) {
            assertEquals(1, selectInt(first, "SELECT 1"));
            assertEquals(1, pools.userLimits().held("lim_one_server"));

            // Session mode: a second client needs a server connection of its own, on any database.
            long start = System.nanoTime();
            SQLException timedOut = assertThrows(SQLException.class, () -> connect("lim_b", "lim_one_server"));
            long waited = System.nanoTime() - start;
            assertEquals("53300", timedOut.getSQLState(), timedOut.toString());
            assertTrue(timedOut.getMessage().contains("maxUserConnections"), timedOut.getMessage());
            assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(1800), "waited the queryWaitTimeout, not " + waited / 1_000_000 + " ms");

            TestSettings.put(Map.of("queryWaitTimeout", "20s"));
            CompletableFuture<Connection> second = connectLater("lim_b", "lim_one_server");
            Thread.sleep(1000);
            assertFalse(second.isDone(), "the second client waits while the first holds the user's only server connection");
            first.close();
            try (Connection c = second.get(10, TimeUnit.SECONDS)) {
                assertEquals(2, selectInt(c, "SELECT 2"));
                assertEquals(1, pools.userLimits().held("lim_one_server"));
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (pools.userLimits().held("lim_one_server") != 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(0, pools.userLimits().held("lim_one_server"), "every place is given back");
    }

    @Test
    void aUsersPoolModeOverridesItsDatabases() throws Exception {
        GatewayClient.api().auth().oauth2(ADMIN_TOKEN_VALUE).get("/api/v1/users/lim_txn").then()
                .statusCode(200).body("poolMode", org.hamcrest.Matchers.equalTo("transaction"));
        // lim_one is a session-mode database with one server connection.
        try (Connection a = connect("lim_one", "lim_txn"); Connection b = connect("lim_one", "lim_txn")) {
            for (int i = 0; i < 10; i++) {
                assertEquals(i, selectInt(a, "SELECT " + i));
                assertEquals(100 + i, selectInt(b, "SELECT " + (100 + i)));
            }
        }
        // A user without an override gets the database's session mode: a second session waits for the first.
        Connection first = connectSoon("lim_one", "lim_any");
        CompletableFuture<Connection> second = connectLater("lim_one", "lim_any");
        try {
            Thread.sleep(1500);
            assertFalse(second.isDone(), "session mode: the second session waits for the only server connection");
        } finally {
            first.close();
        }
        second.get(10, TimeUnit.SECONDS).close();

        try (Connection c = connect("lim_one", "lim_stmt")) {
            assertEquals(3, selectInt(c, "SELECT 3"));
            c.setAutoCommit(false);
            SQLException e = assertThrows(SQLException.class, () -> {
                selectInt(c, "SELECT 4");
                selectInt(c, "SELECT 5");
            });
            assertTrue("0A000".equals(e.getSQLState()) || String.valueOf(e.getMessage()).contains("statement pooling"),
                    e.toString());
        }
    }
}
