package io.portcullis.admin;

import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.Backends;
import io.portcullis.testing.NonDefaultProperties;
import io.portcullis.testing.QuestDbServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code portcullis.admin.database}, {@code portcullis.admin.stats-period} and what SHOW CONFIG makes of
 * the properties, with the values of {@link NonDefaultProperties}.
 */
@QuarkusTest
@TestProfile(NonDefaultProperties.class)
class AdminPropertiesTest {

    private static final String ADMIN = "props_admin";
    private static final String ADMIN_PASSWORD = "props-admin-pass";
    private static final String DB = "props_stats";

    @BeforeAll
    static void configure() {
        QuestDbServer questdb = Backends.questdb();
        GatewayClient.putDatabase(DB, Map.of("host", questdb.host(), "port", questdb.pgPort(),
                "user", questdb.user(), "password", questdb.password(), "poolSize", 1));
        GatewayClient.putUser(ADMIN, Map.of("password", ADMIN_PASSWORD, "admin", true));
    }

    private static Connection connect(String database) throws SQLException {
        return GatewayClient.connect(database, ADMIN, ADMIN_PASSWORD, Map.of("preferQueryMode", "simple"));
    }

    private static Map<String, String> row(Connection c, String sql, String keyColumn, String key) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                Map<String, String> row = new HashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.put(md.getColumnName(i), rs.getString(i));
                }
                if (key.equals(row.get(keyColumn))) {
                    return row;
                }
            }
        }
        throw new AssertionError("no row with " + keyColumn + "=" + key + " in " + sql);
    }

    /** portcullis.admin.exporter-metrics=false: /q/metrics has Portcullis's own metrics and none of pgbouncer_exporter's. */
    @Test
    void theExporterMetricsAreSwitchedOff() {
        String metrics = GatewayClient.api().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("portcullis_"), "the application's own metrics are there");
        assertFalse(metrics.lines().anyMatch(l -> l.startsWith("pgbouncer_") || l.startsWith("# TYPE pgbouncer_")), metrics);
    }

    @Test
    void theConsoleAnswersUnderTheConfiguredDatabaseNameOnly() throws Exception {
        try (Connection console = connect(NonDefaultProperties.CONSOLE_DATABASE);
             Statement s = console.createStatement(); ResultSet rs = s.executeQuery("SHOW VERSION")) {
            assertTrue(rs.next());
            assertTrue(rs.getString(1).contains("Portcullis"), rs.getString(1));
        }
        PSQLException e = assertThrows(PSQLException.class, () -> connect("pgbouncer").close());
        assertEquals("3D000", e.getSQLState(), "pgbouncer is no console here, and no configured database: " + e);
    }

    @Test
    void showConfigListsTheProperties() throws Exception {
        try (Connection console = connect(NonDefaultProperties.CONSOLE_DATABASE)) {
            for (Map.Entry<String, String> property : NonDefaultProperties.SETTING_PROPERTIES.entrySet()) {
                assertEquals(property.getValue(), row(console, "SHOW CONFIG", "key", property.getKey()).get("value"),
                        property.getKey());
            }
            assertEquals("ops_console", row(console, "SHOW CONFIG", "key", "portcullis.admin.database").get("value"));
            assertEquals("1s", row(console, "SHOW CONFIG", "key", "portcullis.admin.stats-period").get("value"));
            assertEquals("after-transaction", row(console, "SHOW CONFIG", "key", "portcullis.session.on-removal").get("value"));
            assertEquals("1800", row(console, "SHOW DATABASES", "name", DB).get("server_lifetime"));
        }
    }

    /**
     * The averages of SHOW STATS compare the last two samples, one stats period apart: with a period of
     * 1 s they show a burst of queries within seconds and fall back to zero seconds after it. With the
     * default 60 s neither could happen in the time allowed.
     */
    @Test
    void statsAveragesAreRecomputedEveryStatsPeriod() throws Exception {
        try (Connection console = connect(NonDefaultProperties.CONSOLE_DATABASE)) {
            try (Connection client = GatewayClient.connect(DB, ADMIN, ADMIN_PASSWORD); Statement s = client.createStatement()) {
                for (int i = 0; i < 30; i++) {
                    try (ResultSet rs = s.executeQuery("SELECT " + i)) {
                        assertTrue(rs.next());
                    }
                }
            }
            long busy = awaitAverage(console, n -> n > 0, 10);
            assertTrue(busy > 0, "the burst shows in avg_query_count within seconds");
            long quiet = awaitAverage(console, n -> n == 0, 10);
            assertEquals(0, quiet, "a period without queries brings avg_query_count back to 0 within seconds");
        }
    }

    private static long awaitAverage(Connection console, LongPredicate condition, long seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long now = Long.parseLong(row(console, "SHOW STATS", "database", DB).get("avg_query_count"));
        while (!condition.test(now) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            now = Long.parseLong(row(console, "SHOW STATS", "database", DB).get("avg_query_count"));
        }
        return now;
    }
}
