package io.portcullis.admin;

import io.portcullis.testing.Backends;
import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.PostgresServer;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /q/metrics} carries prometheus-community {@code pgbouncer_exporter}'s metrics (issue 20 item 3): every name
 * the exporter makes of PgBouncer's console (its collector.go at 6918f4e, and the pre-0.11 {@code pgbouncer_stats_*}
 * names of its README) is there, with the exporter's labels, and after a scripted workload on the real PostgreSQL the
 * values are those {@code SHOW POOLS}, {@code SHOW STATS_TOTALS}, {@code SHOW DATABASES} and {@code SHOW LISTS}
 * answer on the admin console. The backend's host, port and login are not in the public metrics.
 */
@QuarkusTest
class ExporterMetricsTest {

    static final String DB = "exp_db";
    static final String USER = "exp_user";
    static final String PASSWORD = "exp-user-pass";
    static final String ADMIN = "exp_admin";
    static final String ADMIN_PASSWORD = "exp-admin-pass";
    private static PostgresServer pg;

    /** The exporter's names, from its collector: what its dashboards query. */
    static final List<String> EXPORTER_NAMES = List.of(
            "pgbouncer_up", "pgbouncer_version_info",
            "pgbouncer_config_max_client_connections", "pgbouncer_config_max_user_connections",
            "pgbouncer_databases", "pgbouncer_users", "pgbouncer_pools", "pgbouncer_free_clients", "pgbouncer_used_clients",
            "pgbouncer_login_clients", "pgbouncer_free_servers", "pgbouncer_used_servers", "pgbouncer_cached_dns_names",
            "pgbouncer_cached_dns_zones", "pgbouncer_in_flight_dns_queries",
            "pgbouncer_databases_pool_size", "pgbouncer_databases_reserve_pool", "pgbouncer_databases_max_connections",
            "pgbouncer_databases_current_connections", "pgbouncer_databases_paused", "pgbouncer_databases_disabled",
            "pgbouncer_stats_totals_queries_pooled_total", "pgbouncer_stats_totals_queries_duration_seconds_total",
            "pgbouncer_stats_totals_received_bytes_total", "pgbouncer_stats_totals_sent_bytes_total",
            "pgbouncer_stats_totals_client_wait_seconds_total", "pgbouncer_stats_totals_sql_transactions_pooled_total",
            "pgbouncer_stats_totals_server_in_transaction_seconds_total", "pgbouncer_stats_totals_client_parses_total",
            "pgbouncer_stats_totals_server_parses_total", "pgbouncer_stats_totals_binds_total",
            "pgbouncer_stats_totals_server_assignments_total",
            "pgbouncer_stats_queries_pooled_total", "pgbouncer_stats_queries_duration_seconds_total",
            "pgbouncer_stats_received_bytes_total", "pgbouncer_stats_sent_bytes_total",
            "pgbouncer_stats_client_wait_seconds_total", "pgbouncer_stats_sql_transactions_pooled_total",
            "pgbouncer_stats_server_in_transaction_seconds_total",
            "pgbouncer_pools_client_active_connections", "pgbouncer_pools_client_active_cancel_connections",
            "pgbouncer_pools_client_waiting_connections", "pgbouncer_pools_client_waiting_cancel_connections",
            "pgbouncer_pools_server_active_connections", "pgbouncer_pools_server_active_cancel_connections",
            "pgbouncer_pools_server_being_canceled_connections", "pgbouncer_pools_server_idle_connections",
            "pgbouncer_pools_server_used_connections", "pgbouncer_pools_server_testing_connections",
            "pgbouncer_pools_server_login_connections", "pgbouncer_pools_client_maxwait_seconds",
            "pgbouncer_client_connections");

    @BeforeAll
    static void configure() {
        pg = Backends.postgres();
        GatewayClient.putDatabase(DB, Map.of("host", pg.host(), "port", pg.port(), "dbname", pg.database(),
                "user", pg.scramUser(), "password", pg.scramPassword(), "poolSize", 3, "poolMode", "transaction"));
        GatewayClient.putUser(USER, Map.of("password", PASSWORD));
        GatewayClient.putUser(ADMIN, Map.of("password", ADMIN_PASSWORD, "admin", true));
    }

    @Test
    void everyExporterNameIsThereAndAgreesWithTheConsole() throws Exception {
        try (Connection held = GatewayClient.connect(DB, USER, PASSWORD)) {
            for (int i = 0; i < 3; i++) {
                try (Connection c = GatewayClient.connect(DB, USER, PASSWORD); Statement s = c.createStatement()) {
                    for (int q = 0; q < 5; q++) {
                        try (ResultSet r = s.executeQuery("SELECT " + q)) {
                            assertTrue(r.next());
                        }
                    }
                }
            }
            try (Statement s = held.createStatement(); ResultSet r = s.executeQuery("SELECT 1")) {
                assertTrue(r.next());
            }
            Thread.sleep(200); // the last transaction's server connection is back in the pool

            String text = GatewayClient.api().get("/q/metrics").then().statusCode(200).extract().asString();
            Map<String, Double> metrics = parse(text);
            for (String name : EXPORTER_NAMES) {
                assertTrue(metrics.keySet().stream().anyMatch(k -> k.equals(name) || k.startsWith(name + "{")),
                        name + " is missing");
            }
            for (String secret : List.of(pg.host() + "\"", "port=\"" + pg.port(), pg.scramUser())) {
                assertFalse(text.lines().filter(l -> l.startsWith("pgbouncer_")).anyMatch(l -> l.contains(secret)),
                        "the backend's address and login stay out of the public metrics: " + secret + " in "
                                + text.lines().filter(l -> l.contains(secret)).toList());
            }

            Map<String, String> pool = console("SHOW POOLS", "database", DB);
            // The pool's user is its backend login, withheld from the public metrics.
            String poolLabels = "{database=\"" + DB + "\",user=\"\"}";
            for (String[] pair : new String[][]{{"cl_active", "client_active_connections"}, {"cl_waiting", "client_waiting_connections"},
                    {"sv_active", "server_active_connections"}, {"sv_idle", "server_idle_connections"},
                    {"sv_login", "server_login_connections"}, {"maxwait", "client_maxwait_seconds"}}) {
                assertEquals(Double.parseDouble(pool.get(pair[0])), metrics.get("pgbouncer_pools_" + pair[1] + poolLabels),
                        pair[0] + " in " + pool);
            }
            assertTrue(metrics.get("pgbouncer_pools_server_idle_connections" + poolLabels) >= 1, "a server connection waits idle");

            Map<String, String> totals = console("SHOW STATS_TOTALS", "database", DB);
            String dbLabel = "{database=\"" + DB + "\"}";
            assertTrue(Double.parseDouble(totals.get("query_count")) >= 16, totals.toString());
            assertEquals(Double.parseDouble(totals.get("query_count")), metrics.get("pgbouncer_stats_totals_queries_pooled_total" + dbLabel));
            assertEquals(Double.parseDouble(totals.get("query_count")), metrics.get("pgbouncer_stats_queries_pooled_total" + dbLabel));
            assertEquals(Double.parseDouble(totals.get("xact_count")), metrics.get("pgbouncer_stats_totals_sql_transactions_pooled_total" + dbLabel));
            assertEquals(Double.parseDouble(totals.get("bytes_sent")), metrics.get("pgbouncer_stats_totals_sent_bytes_total" + dbLabel));
            assertEquals(Double.parseDouble(totals.get("query_time")) / 1e6,
                    metrics.get("pgbouncer_stats_totals_queries_duration_seconds_total" + dbLabel), 1e-9, "microseconds become seconds");

            Map<String, String> database = console("SHOW DATABASES", "name", DB);
            String dbLabels = "{name=\"" + DB + "\",host=\"\",port=\"\",database=\"" + database.get("database")
                    + "\",force_user=\"\",pool_mode=\"transaction\"}";
            assertEquals(3.0, metrics.get("pgbouncer_databases_pool_size" + dbLabels), text);
            assertEquals(Double.parseDouble(database.get("current_connections")), metrics.get("pgbouncer_databases_current_connections" + dbLabels));

            Map<String, String> used = console("SHOW LISTS", "list", "used_clients");
            assertEquals(Double.parseDouble(used.get("items")) - 1, metrics.get("pgbouncer_used_clients"), "SHOW LISTS counts the console session asking too");
            assertEquals(1.0, metrics.get("pgbouncer_up"));
        }
    }

    /** The row of {@code show} whose {@code key} column is {@code value}, read on the admin console. */
    private static Map<String, String> console(String show, String key, String value) throws Exception {
        try (Connection c = GatewayClient.connect("pgbouncer", ADMIN, ADMIN_PASSWORD, Map.of("preferQueryMode", "simple"));
             Statement s = c.createStatement(); ResultSet r = s.executeQuery(show)) {
            while (r.next()) {
                if (value.equals(r.getString(key))) {
                    Map<String, String> row = new HashMap<>();
                    for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
                        row.put(r.getMetaData().getColumnName(i), r.getString(i));
                    }
                    return row;
                }
            }
        }
        throw new AssertionError(show + " has no row with " + key + " = " + value);
    }

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{[^}]*\\})?) (\\S+)$");

    /** Samples by name and labels as written, e.g. {@code pgbouncer_pools_server_idle_connections{database="x",user="y"}}. */
    private static Map<String, Double> parse(String text) {
        Map<String, Double> samples = new HashMap<>();
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (!line.startsWith("#") && m.matches()) {
                samples.put(m.group(1), Double.parseDouble(m.group(2)));
            }
        }
        return samples;
    }
}
