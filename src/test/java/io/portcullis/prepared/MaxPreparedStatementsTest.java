package io.portcullis.prepared;

import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.TestSettings;
import io.portcullis.testing.Backends;
import io.portcullis.testing.PostgresServer;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code maxPreparedStatements} of {@code /api/v1/settings} in transaction pooling, seen from PostgreSQL's
 * {@code pg_prepared_statements} on a pool of one server connection (so every client shares the backend
 * session listed): a small value bounds what stays prepared there; 0 turns the statement mapping off.
 */
@QuarkusTest
class MaxPreparedStatementsTest {

    private static final String DB = "mps_one";
    private static final String USER = "mps_user";
    private static final String PASSWORD = "mps-pass";

    @BeforeAll
    static void configure() {
        PostgresServer pg = Backends.postgres();
        GatewayClient.putDatabase(DB, Map.of("host", pg.host(), "port", pg.port(), "dbname", pg.database(),
                "user", pg.scramUser(), "password", pg.scramPassword(), "poolSize", 1, "poolMode", "transaction"));
        GatewayClient.putUser(USER, Map.of("password", PASSWORD));
    }

    @AfterEach
    void defaults() throws Exception {
        TestSettings.reset();
        // Leave the shared server connection without statements: reconnect it.
        GatewayClient.api().auth().oauth2(ADMIN_TOKEN_VALUE).post("/api/v1/pools/" + DB + "/reconnect");
    }

    /** pgJDBC names every statement it runs from the first execution on. */
    private static Connection namingClient() throws SQLException {
        return GatewayClient.connect(DB, USER, PASSWORD, Map.of("prepareThreshold", "1"));
    }

    /** Simple query protocol only: prepares nothing itself. */
    private static Connection observer() throws SQLException {
        return GatewayClient.connect(DB, USER, PASSWORD, Map.of("preferQueryMode", "simple"));
    }

    private static List<String> preparedOnTheBackend(Connection c) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT name FROM pg_prepared_statements")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private static int run(PreparedStatement ps, int parameter) throws SQLException {
        ps.setInt(1, parameter);
        try (ResultSet rs = ps.executeQuery()) {
            assertTrue(rs.next());
            return rs.getInt(1);
        }
    }

    /**
     * Six statements through a limit of 2: at most the limit plus the one whose Close waits for the next
     * batch stay prepared on the backend (the default, 200, would keep all six), and the client's evicted
     * statement still runs: the gateway prepares it again.
     */
    @Test
    void aSmallLimitKeepsOnlyThatManyStatementsPreparedOnTheBackend() throws Exception {
        TestSettings.put(Map.of("maxPreparedStatements", 2));
        try (Connection client = namingClient(); Connection observer = observer()) {
            List<PreparedStatement> statements = new ArrayList<>();
            for (int i = 1; i <= 6; i++) {
                PreparedStatement ps = client.prepareStatement("SELECT ?::int + " + (i * 1000));
                statements.add(ps);
                assertEquals(i * 1000 + 1, run(ps, 1));
            }
            List<String> prepared = preparedOnTheBackend(observer);
            assertTrue(prepared.stream().allMatch(n -> n.startsWith("portcullis_")), "mapped names only: " + prepared);
            assertTrue(prepared.size() <= 3, "at most maxPreparedStatements (+1 to close) stay prepared: " + prepared);
            assertEquals(1007, run(statements.get(0), 7), "the evicted statement is prepared again when the client runs it");
            assertTrue(preparedOnTheBackend(observer).size() <= 3, preparedOnTheBackend(observer).toString());
            for (PreparedStatement ps : statements) {
                ps.close();
            }
        }
    }

    /**
     * 0: the client's own statement names reach the backend unchanged, and a statement does not outlive the
     * transaction that prepared it, because the connection is handed over clean to whoever borrows it next
     * (with the mapping on, under the default, the gateway's name is listed and the statement runs again).
     */
    @Test
    void zeroPassesNamesThroughAndAStatementEndsWithItsTransaction() throws Exception {
        TestSettings.put(Map.of("maxPreparedStatements", 0));
        try (Connection client = namingClient(); PreparedStatement ps = client.prepareStatement("SELECT ?::int + 40")) {
            client.setAutoCommit(false);
            assertEquals(42, run(ps, 2));
            List<String> prepared = preparedOnTheBackend(client);
            assertTrue(prepared.stream().anyMatch(n -> n.matches("S_\\d+")), "pgJDBC's own names on the backend: " + prepared);
            assertTrue(prepared.stream().noneMatch(n -> n.startsWith("portcullis_")), prepared.toString());
            client.commit();

            SQLException gone = assertThrows(SQLException.class, () -> run(ps, 3),
                    "the statement was closed when the transaction gave the connection back");
            assertEquals("26000", gone.getSQLState(), gone.toString());
            client.rollback();
        }
    }
}
