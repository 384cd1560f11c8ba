package io.portcullis.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Smoke test of the shared backends, straight to them with pgJDBC and psql (no gateway involved). */
class BackendsTest {

    /** SQLSTATE PostgreSQL sends for a wrong password. */
    private static final String INVALID_PASSWORD = "28P01";

    private final QuestDbServer questdb = Backends.questdb();
    private final PostgresServer postgres = Backends.postgres();

    @Test
    void questdbAnswersSelectOne() throws SQLException {
        try (Connection c = questdb.connect()) {
            assertEquals(List.of("1"), column(c, "SELECT 1"));
        }
    }

    @Test
    void questdbStoresAndReturnsRows() throws SQLException {
        String table = "trades_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = questdb.connect()) {
            execute(c, "CREATE TABLE " + table
                    + " (symbol SYMBOL, price DOUBLE, ts TIMESTAMP) TIMESTAMP(ts) PARTITION BY DAY");
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?, ?)")) {
                Object[][] rows = {{"BTC-USD", 101.5, "2024-01-01T00:00:00Z"}, {"ETH-USD", 22.25, "2024-01-01T00:00:01Z"},
                        {"BTC-USD", 102.0, "2024-01-01T00:00:02Z"}};
                for (Object[] row : rows) {
                    insert.setString(1, (String) row[0]);
                    insert.setDouble(2, (Double) row[1]);
                    insert.setTimestamp(3, java.sql.Timestamp.from(java.time.Instant.parse((String) row[2])));
                    insert.executeUpdate();
                }
            }
            assertEquals(List.of("BTC-USD 101.5", "ETH-USD 22.25", "BTC-USD 102.0"),
                    column(c, "SELECT symbol || ' ' || price FROM " + table + " ORDER BY ts"));
            assertEquals(List.of("203.5"), column(c, "SELECT sum(price) FROM " + table + " WHERE symbol = 'BTC-USD'"));
            execute(c, "DROP TABLE " + table);
        }
    }

    @Test
    void questdbReadonlyUserReadsButCannotWrite() throws SQLException {
        try (Connection c = PgLogin.connect(questdb.pgPort(), questdb.database(), questdb.readonlyUser(),
                questdb.readonlyPassword())) {
            assertEquals(List.of("1"), column(c, "SELECT 1"));
            assertThrows(SQLException.class, () -> execute(c, "CREATE TABLE readonly_probe (x INT)"));
        }
    }

    @Test
    void questdbRejectsWrongPassword() {
        assertThrows(SQLException.class,
                () -> PgLogin.connect(questdb.pgPort(), questdb.database(), questdb.user(), "not-quest").close());
    }

    @Test
    void postgresScramUserOwnsTheAppDatabase() throws SQLException {
        try (Connection c = postgres.connect(PostgresServer.DATABASE, postgres.scramUser(), postgres.scramPassword())) {
            assertEquals(List.of("scramuser app"), column(c, "SELECT current_user || ' ' || current_database()"));
            assertEquals(List.of("scramuser"), column(c,
                    "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"));
        }
    }

    @Test
    void postgresStoresOneScramVerifierAndOneMd5Hash() throws SQLException {
        try (Connection c = postgres.connectAsSuperuser(PostgresServer.MAINTENANCE_DATABASE)) {
            assertEquals(List.of("md5user md5", "scramuser SCRAM-SHA-256$"), column(c,
                    "SELECT rolname || ' ' || CASE WHEN rolpassword LIKE 'md5%' THEN 'md5'"
                            + " WHEN rolpassword LIKE 'SCRAM-SHA-256$%' THEN 'SCRAM-SHA-256$' ELSE 'other' END"
                            + " FROM pg_authid WHERE rolname IN ('scramuser', 'md5user') ORDER BY rolname"));
            // pg_hba.conf asks md5user for md5 and everyone else on TCP for SCRAM.
            assertEquals(List.of("{md5user} md5", "{all} scram-sha-256"), column(c,
                    "SELECT user_name::text || ' ' || auth_method FROM pg_hba_file_rules"
                            + " WHERE type = 'host' ORDER BY line_number"));
        }
    }

    @Test
    void postgresMd5UserLogsInAndMayCreateTables() throws SQLException {
        String table = "md5_probe_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = postgres.connect(PostgresServer.DATABASE, postgres.md5User(), postgres.md5Password())) {
            execute(c, "CREATE TABLE " + table + " (id int)");
            execute(c, "INSERT INTO " + table + " VALUES (7)");
            assertEquals(List.of("7"), column(c, "SELECT id FROM " + table));
            execute(c, "DROP TABLE " + table);
        }
    }

    @Test
    void postgresRejectsWrongPasswordsWithSqlState28P01() {
        for (String user : List.of(PostgresServer.SCRAM_USER, PostgresServer.MD5_USER)) {
            SQLException e = assertThrows(SQLException.class,
                    () -> postgres.connect(PostgresServer.DATABASE, user, "wrong").close(), user);
            assertEquals(INVALID_PASSWORD, e.getSQLState(), user + ": " + e.getMessage());
        }
    }

    @Test
    void psqlReachesBothBackends() throws IOException, InterruptedException {
        assumeTrue(onPath("psql"), "psql not on PATH");
        assertEquals("1", psql(questdb.pgPort(), questdb.database(), questdb.user(), questdb.password(), "SELECT 1"));
        assertEquals("scramuser", psql(postgres.port(), PostgresServer.DATABASE, postgres.scramUser(),
                postgres.scramPassword(), "SELECT current_user"));
        assertEquals("md5user", psql(postgres.port(), PostgresServer.DATABASE, postgres.md5User(),
                postgres.md5Password(), "SELECT current_user"));
    }

    private static String psql(int port, String database, String user, String password, String sql)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                "-h", Loopback.HOST, "-p", Integer.toString(port), "-U", user, "-d", database, "-c", sql)
                .redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("PGPASSWORD", password);
        env.put("PGSSLMODE", "disable");
        env.put("PGCONNECT_TIMEOUT", "5");
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "psql finished");
        assertEquals(0, process.exitValue(), "psql failed: " + output);
        return output;
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null && List.of(path.split(java.io.File.pathSeparator)).stream()
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static List<String> column(Connection c, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}
