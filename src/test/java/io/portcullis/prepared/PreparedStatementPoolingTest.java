package io.portcullis.prepared;

import io.portcullis.testing.Backends;
import io.portcullis.testing.ExtendedProtocolClient;
import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.PostgresServer;
import io.portcullis.testing.QuestDbServer;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Named prepared statements under transaction pooling: clients keep their statements although every
 * transaction may run on another server connection, and clients sharing a connection never see each
 * other's statements. pgJDBC with its default {@code prepareThreshold} (named after 5 uses) and with
 * 1, pgbench {@code -M prepared}, and raw protocol for what drivers do not send.
 */
@QuarkusTest
class PreparedStatementPoolingTest {

    static final String QDB = "q_prep";
    static final String PG = "pg_prep";
    static final String QDB_BENCH = "q_prep_bench";
    static final String PG_ONE = "pg_prep_one";
    static final String USER = "prep_user";
    static final String PASSWORD = "prep-pass";
    static final String MD5_USER = "prep_md5";
    static final String MD5_PASSWORD = "prep-md5-pass";
    static final int CLIENTS = 50;
    static final int ROUNDS = 20;

    @BeforeAll
    static void configure() {
        QuestDbServer questdb = Backends.questdb();
        PostgresServer pg = Backends.postgres();
        GatewayClient.putDatabase(QDB, Map.of("host", questdb.host(), "port", questdb.pgPort(), "user", questdb.user(),
                "password", questdb.password(), "poolSize", 5, "poolMode", "transaction"));
        GatewayClient.putDatabase(QDB_BENCH, Map.of("host", questdb.host(), "port", questdb.pgPort(), "user", questdb.user(),
                "password", questdb.password(), "poolSize", 2, "poolMode", "transaction"));
        GatewayClient.putDatabase(PG, Map.of("host", pg.host(), "port", pg.port(), "dbname", pg.database(),
                "user", pg.scramUser(), "password", pg.scramPassword(), "poolSize", 5, "poolMode", "transaction"));
        GatewayClient.putDatabase(PG_ONE, Map.of("host", pg.host(), "port", pg.port(), "dbname", pg.database(),
                "user", pg.scramUser(), "password", pg.scramPassword(), "poolSize", 1, "poolMode", "transaction"));
        GatewayClient.putUser(USER, Map.of("password", PASSWORD));
        GatewayClient.putUser(MD5_USER, Map.of("password", MD5_PASSWORD, "auth", "md5"));
    }

    private static Connection connect(String database, String prepareThreshold) throws SQLException {
        Map<String, String> extra = new HashMap<>();
        if (prepareThreshold != null) {
            extra.put("prepareThreshold", prepareThreshold);
        }
        return GatewayClient.connect(database, USER, PASSWORD, extra);
    }

    private static long queryLong(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            assertTrue(rs.next());
            return rs.getLong(1);
        }
    }

    /**
     * Each client runs a query of its own text and one every client shares, many times, half of them
     * with pgJDBC's default threshold and half preparing on first use; on PostgreSQL some rounds run in
     * an explicit transaction. Fifty clients share five server connections.
     */
    @ParameterizedTest
    @ValueSource(strings = {QDB, PG})
    void fiftyClientsOnFiveServerConnectionsKeepTheirStatementsAndResults(String database) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                int client = i;
                runs.add(threads.submit(() -> {
                    runClient(database, client);
                    return null;
                }));
            }
            List<String> failures = Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < runs.size(); i++) {
                try {
                    runs.get(i).get(180, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    failures.add("client " + i + ": " + e.getCause());
                }
            }
            assertEquals(List.of(), failures);
        } finally {
            threads.shutdownNow();
        }
        if (database.equals(PG)) {
            assertStatementsLiveUnderTheGatewaysNames();
        }
    }

    private static void runClient(String database, int client) throws SQLException {
        try (Connection c = connect(database, client % 2 == 0 ? null : "1");
             PreparedStatement own = c.prepareStatement("SELECT ? + " + (1000 * client));
             PreparedStatement shared = c.prepareStatement("SELECT ? * 2")) {
            for (int round = 0; round < ROUNDS; round++) {
                boolean inTransaction = database.equals(PG) && client % 3 == 0 && round % 4 == 0;
                c.setAutoCommit(!inTransaction);
                own.setInt(1, round);
                assertEquals(1000L * client + round, queryLong(own), "own statement, round " + round);
                shared.setInt(1, client * 100 + round);
                assertEquals(2L * (client * 100 + round), queryLong(shared), "shared statement, round " + round);
                if (inTransaction) {
                    own.setInt(1, -round);
                    assertEquals(1000L * client - round, queryLong(own));
                    c.commit();
                }
            }
        }
    }

    /**
     * The backend holds the statements under the gateway's names, never under pgJDBC's own: a named
     * statement listing the backend's prepared statements sees itself under a gateway name.
     */
    private static void assertStatementsLiveUnderTheGatewaysNames() throws SQLException {
        try (Connection c = connect(PG, "1");
             PreparedStatement ps = c.prepareStatement("SELECT name FROM pg_prepared_statements WHERE name <> ?")) {
            ps.setString(1, "");
            List<String> names = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            assertTrue(names.stream().anyMatch(n -> n.startsWith("portcullis_")), names.toString());
            assertTrue(names.stream().noneMatch(n -> n.startsWith("S_")), names.toString());
        }
    }

    /**
     * On a pool of one, a second client finds the first client's statement still prepared after the
     * first has left: a client leaving between transactions does not reset the connection.
     */
    @Test
    void statementsOutliveTheClientThatPreparedThem() throws Exception {
        String sql = "SELECT ? || '-outlives'";
        try (Connection first = connect(PG_ONE, "1"); PreparedStatement ps = first.prepareStatement(sql)) {
            ps.setString(1, "a");
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
            }
        }
        try (Connection second = connect(PG_ONE, "1");
             PreparedStatement list = second.prepareStatement("SELECT statement FROM pg_prepared_statements WHERE name LIKE ?")) {
            list.setString(1, "portcullis%");
            List<String> statements = new ArrayList<>();
            try (ResultSet rs = list.executeQuery()) {
                while (rs.next()) {
                    statements.add(rs.getString(1));
                }
            }
            assertTrue(statements.contains("SELECT $1 || '-outlives'"), statements.toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {QDB, PG})
    void aClientThatClosesAndPreparesAgainGetsItsNewStatement(String database) throws Exception {
        try (ExtendedProtocolClient c = ExtendedProtocolClient.login(GatewayClient.gatewayPort(), database, MD5_USER, MD5_PASSWORD)) {
            assertEquals("1 2 D(6) C Z", c.parse("S_1", "SELECT 1 + $1", 23).bind("S_1", "5").execute().sync().exchange());
            assertEquals("3 1 2 D(105) C Z", c.close("S_1").parse("S_1", "SELECT 100 + $1", 23).bind("S_1", "5").execute()
                    .sync().exchange());
            assertEquals("E(42P05) Z", c.parse("S_1", "SELECT 7").bind("S_1").execute().sync().exchange(),
                    "a Parse of a name the client has, without Close, is refused as PostgreSQL does");
            assertEquals("2 D(101) C Z", c.bind("S_1", "1").execute().sync().exchange(), "S_1 is still the second query");
            // many transactions later, on whatever server connection: still there
            for (int i = 0; i < 10; i++) {
                assertEquals("2 D(" + (100 + i) + ") C Z", c.bind("S_1", String.valueOf(i)).execute().sync().exchange());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {QDB, PG})
    void anErrorInsideABatchLeavesTheStatementsUsable(String database) throws Exception {
        try (ExtendedProtocolClient c = ExtendedProtocolClient.login(GatewayClient.gatewayPort(), database, MD5_USER, MD5_PASSWORD)) {
            assertEquals("1 Z", c.parse("S_1", "SELECT 2 * $1", 23).sync().exchange());
            String failed = c.bind("S_1", "4").execute().parse("S_2", "SELECT * FROM prep_no_such_table").bind("S_2")
                    .execute().sync().exchange();
            assertTrue(failed.matches("2 D\\(8\\) (C )?E\\(\\w+\\) Z"), failed); // QuestDB drops the C of the Execute before the error
            assertEquals("1 2 D(7) C Z", c.parse("S_2", "SELECT 7").bind("S_2").execute().sync().exchange(),
                    "the failed Parse left no S_2 behind");
            assertEquals("2 D(10) C Z", c.bind("S_1", "5").execute().sync().exchange());
            String skipped = c.bind("nope").execute().close("S_1").parse("S_3", "SELECT 3").sync().exchange();
            assertEquals("E Z", skipped.replaceAll("E\\(\\w+\\)", "E"), "no answer for what the backend skipped");
            assertEquals("2 D(12) C Z", c.bind("S_1", "6").execute().sync().exchange(), "the skipped Close left S_1");
            assertEquals("1 Z", c.parse("S_3", "SELECT 3").sync().exchange(), "the skipped Parse left no S_3");
        }
    }

    /** pgJDBC batches with a failing row, then the same statements again. */
    @ParameterizedTest
    @ValueSource(strings = {QDB, PG})
    void aFailedJdbcBatchLeavesTheStatementsUsable(String database) throws Exception {
        String table = "prep_batch_" + database;
        try (Connection c = connect(database, "1")) {
            try (Statement s = c.createStatement()) {
                s.execute(database.equals(PG) ? "CREATE TABLE IF NOT EXISTS " + table + " (x int)"
                        : "CREATE TABLE IF NOT EXISTS " + table + " (x INT, ts TIMESTAMP) TIMESTAMP(ts)");
            }
            String insert = database.equals(PG) ? "INSERT INTO " + table + " VALUES (10 / ?::int)"
                    : "INSERT INTO " + table + " VALUES (?, now())"; // QuestDB: "abc" is an inconvertible INT
            try (PreparedStatement square = c.prepareStatement("SELECT ? * ?");
                 PreparedStatement ins = c.prepareStatement(insert)) {
                square.setInt(1, 3);
                square.setInt(2, 3);
                assertEquals(9, queryLong(square));
                c.setAutoCommit(false);
                for (String value : new String[]{"1", database.equals(PG) ? "0" : "abc", "2"}) {
                    ins.setString(1, value);
                    ins.addBatch();
                }
                assertThrows(BatchUpdateException.class, ins::executeBatch);
                c.rollback();
                for (String value : new String[]{"5", "10"}) {
                    ins.setString(1, value);
                    ins.addBatch();
                }
                assertEquals(2, ins.executeBatch().length);
                c.commit();
                c.setAutoCommit(true);
                for (int i = 0; i < 8; i++) {
                    square.setInt(1, i);
                    square.setInt(2, i);
                    assertEquals((long) i * i, queryLong(square));
                }
            }
        }
    }

    /**
     * Large parameters and results around rewritten messages: a renamed Bind of kilobytes, and a
     * swallowed ParseComplete in the same chunk as a thousand rows, so rewritten chunks are joined
     * from slices rather than copied. Ten clients on five connections, so Binds keep landing on
     * connections that lack the statement.
     */
    @ParameterizedTest
    @ValueSource(strings = {QDB, PG})
    void largeParametersAndResultsAroundRewrittenMessages(String database) throws Exception {
        String sql = database.equals(PG) ? "SELECT g, ?::text FROM generate_series(1, 1000) g"
                : "SELECT x, ? FROM long_sequence(1000)";
        ExecutorService threads = Executors.newFixedThreadPool(10);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String payload = ("client" + i + "-").repeat(100); // a Bind well above Outbound.COPY_BELOW
                runs.add(threads.submit(() -> {
                    try (Connection c = connect(database, "1"); PreparedStatement ps = c.prepareStatement(sql)) {
                        for (int round = 0; round < 4; round++) {
                            ps.setString(1, payload + round);
                            long sum = 0;
                            int rows = 0;
                            try (ResultSet rs = ps.executeQuery()) {
                                while (rs.next()) {
                                    sum += rs.getLong(1);
                                    rows++;
                                    assertEquals(payload + round, rs.getString(2));
                                }
                            }
                            assertEquals(1000, rows);
                            assertEquals(1000L * 1001 / 2, sum);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get(180, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /** pgJDBC closing its statements (no statement cache) and preparing the same SQL again. */
    @ParameterizedTest
    @ValueSource(strings = {QDB, PG})
    void jdbcClosesAndPreparesTheSameSqlAgain(String database) throws Exception {
        try (Connection c = GatewayClient.connect(database, USER, PASSWORD,
                Map.of("prepareThreshold", "1", "preparedStatementCacheQueries", "0"))) {
            for (int i = 0; i < 15; i++) {
                try (PreparedStatement ps = c.prepareStatement("SELECT ? + 40")) {
                    ps.setInt(1, i);
                    assertEquals(40L + i, queryLong(ps));
                    ps.setInt(1, -i);
                    assertEquals(40L - i, queryLong(ps));
                }
            }
        }
    }

    /**
     * pgbench {@code -M prepared}: eight clients on two server connections, every client naming its
     * statement P_0; two runs in a row with different statements under the same name. Each answer is
     * checked by the script.
     */
    @Test
    void pgbenchPreparedInTransactionModeAgainstQuestDb() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/pgbench")), "pgbench not installed");
        for (int value : new int[]{11, 22}) {
            String out = pgbench(script(value));
            assertTrue(out.contains("number of transactions actually processed: 400/400"), out);
            assertTrue(out.contains("number of failed transactions: 0") || !out.contains("failed"), out);
        }
    }

    private static Path script(int value) throws IOException {
        Path file = Files.createTempFile("pgbench-prepared-", ".sql");
        Files.writeString(file, "SELECT " + value + " AS v \\gset\n"
                + "\\if :v != " + value + "\n"
                + "SELECT * FROM statement_of_another_client_was_executed;\n"
                + "\\endif\n"
                + "SELECT 1;\n");
        return file;
    }

    private static String pgbench(Path script) throws Exception {
        String uri = "postgresql://" + USER + ":" + PASSWORD + "@127.0.0.1:" + GatewayClient.gatewayPort() + "/"
                + QDB_BENCH + "?sslmode=require";
        Process p = new ProcessBuilder(List.of("pgbench", "-n", "-M", "prepared", "-c", "8", "-j", "2", "-t", "50",
                "-f", script.toString(), uri)).redirectErrorStream(true).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "pgbench finished");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
