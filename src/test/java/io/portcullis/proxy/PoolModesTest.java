package io.portcullis.proxy;

import io.portcullis.testing.Backends;
import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.PostgresServer;
import io.portcullis.testing.QuestDbServer;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import static io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Transaction and statement pooling, and sessions ended by live configuration changes. */
@QuarkusTest
class PoolModesTest {

    static final String USER = "modes_user";
    static final String PASSWORD = "modes-pass";
    /** pgJDBC would switch to named statements after 5 uses; transaction pooling closes them between transactions. */
    static final Map<String, String> UNNAMED = Map.of("prepareThreshold", "0");

    @BeforeAll
    static void configure() {
        QuestDbServer questdb = Backends.questdb();
        PostgresServer pg = Backends.postgres();
        GatewayClient.putDatabase("q_txn", Map.of("host", questdb.host(), "port", questdb.pgPort(), "user", questdb.user(),
                "password", questdb.password(), "poolSize", 1, "poolMode", "transaction"));
        GatewayClient.putDatabase("pg_txn", Map.of("host", pg.host(), "port", pg.port(), "dbname", pg.database(),
                "user", pg.scramUser(), "password", pg.scramPassword(), "poolSize", 1, "poolMode", "transaction"));
        GatewayClient.putDatabase("pg_stmt", Map.of("host", pg.host(), "port", pg.port(), "dbname", pg.database(),
                "user", pg.scramUser(), "password", pg.scramPassword(), "poolSize", 1, "poolMode", "statement"));
        GatewayClient.putUser(USER, Map.of("password", PASSWORD));
    }

    private static int selectInt(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next());
            return rs.getInt(1);
        }
    }

    @Test
    void transactionPoolingSharesOneServerConnectionBetweenOpenSessions() throws Exception {
        // Pool of one. In session mode the second login would wait for the first to leave.
        try (Connection a = GatewayClient.connect("q_txn", USER, PASSWORD, UNNAMED);
             Connection b = GatewayClient.connect("q_txn", USER, PASSWORD, UNNAMED)) {
            for (int i = 0; i < 20; i++) {
                assertEquals(i, selectInt(a, "SELECT " + i));
                assertEquals(100 + i, selectInt(b, "SELECT " + (100 + i)));
            }
        }
    }

    @Test
    void transactionPoolingKeepsATransactionOnOneServerConnection() throws Exception {
        try (Connection a = GatewayClient.connect("pg_txn", USER, PASSWORD, UNNAMED);
             Connection b = GatewayClient.connect("pg_txn", USER, PASSWORD, UNNAMED)) {
            a.setAutoCommit(false);
            int pidInTransaction = selectInt(a, "SELECT pg_backend_pid()");
            try (Statement s = a.createStatement()) {
                s.execute("CREATE TEMP TABLE txn_probe (x int) ON COMMIT DROP");
                s.execute("INSERT INTO txn_probe VALUES (1)");
            }
            assertEquals(pidInTransaction, selectInt(a, "SELECT pg_backend_pid()"));
            assertEquals(1, selectInt(a, "SELECT count(*) FROM txn_probe"), "same server for the whole transaction");
            a.commit();
            // b waited for the transaction (pool of one) and now gets the connection.
            assertEquals(pidInTransaction, selectInt(b, "SELECT pg_backend_pid()"));
        }
    }

    @Test
    void statementPoolingRefusesTransactionBlocks() throws Exception {
        try (Connection c = GatewayClient.connect("pg_stmt", USER, PASSWORD, UNNAMED)) {
            assertEquals(3, selectInt(c, "SELECT 3"));
            SQLException e = assertThrows(SQLException.class, () -> {
                c.setAutoCommit(false);
                selectInt(c, "SELECT 4");
                selectInt(c, "SELECT 5");
            });
            assertTrue(String.valueOf(e.getMessage()).contains("statement pooling")
                    || "08006".equals(e.getSQLState()) || "0A000".equals(e.getSQLState()), e.toString());
        }
    }

    @Test
    void deletingADatabaseEndsItsSessionsWith57P01() throws Exception {
        QuestDbServer questdb = Backends.questdb();
        GatewayClient.putDatabase("doomed", Map.of("host", questdb.host(), "port", questdb.pgPort(),
                "user", questdb.user(), "password", questdb.password(), "poolSize", 2));
        GatewayClient.putUser("doomed_user", Map.of("password", "doomed-pass"));
        try (Connection c = GatewayClient.connect("doomed", USER, PASSWORD);
             Connection u = GatewayClient.connect("q_txn", "doomed_user", "doomed-pass", UNNAMED)) {
            assertEquals(1, selectInt(c, "SELECT 1"));
            assertEquals(1, selectInt(u, "SELECT 1"));
            GatewayClient.deleteDatabase("doomed");
            GatewayClient.api().auth().oauth2(ADMIN_TOKEN_VALUE).delete("/api/v1/users/doomed_user")
                    .then().statusCode(org.hamcrest.Matchers.anyOf(org.hamcrest.Matchers.is(200), org.hamcrest.Matchers.is(204)));
            for (Connection gone : new Connection[]{c, u}) {
                SQLException e = assertThrows(SQLException.class, () -> {
                    for (int i = 0; i < 50; i++) { // the termination is asynchronous: it lands within a few queries
                        selectInt(gone, "SELECT 2");
                        Thread.sleep(20);
                    }
                });
                assertTrue("57P01".equals(e.getSQLState()) || String.valueOf(e.getMessage()).contains("administrator"),
                        e.toString());
            }
        }
    }
}
