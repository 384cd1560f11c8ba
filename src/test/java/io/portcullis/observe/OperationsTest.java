package io.portcullis.observe;

import io.portcullis.testing.Backends;
import io.portcullis.testing.FreePorts;
import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.QuestDbServer;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Health, metrics and logs as an operator sees them, after real traffic through the gateway. */
@QuarkusTest
public class OperationsTest {

    static final String DB = "obs_metrics";
    static final String DEAD_DB = "obs_dead";
    static final String USER = "obs_user";
    static final String PASSWORD = "obs-Secret-Pw-4711";
    static final String WRONG_PASSWORD = "obs-Wrong-Pw-0815";
    static final int LOGINS = 5;
    static final int QUERIES = 10;
    static final String DEAD_USER = "obs_backend_user";
    static final int DEAD_PORT = FreePorts.next();

    @BeforeAll
    static void configure() {
        QuestDbServer questdb = Backends.questdb();
        GatewayClient.putDatabase(DB, Map.of("host", questdb.host(), "port", questdb.pgPort(),
                "user", questdb.user(), "password", questdb.password(), "poolSize", 2));
        GatewayClient.putDatabase(DEAD_DB, Map.of("host", "127.0.0.1", "port", DEAD_PORT,
                "user", DEAD_USER, "password", "unused", "poolSize", 1));
        GatewayClient.putUser(USER, Map.of("password", PASSWORD, "databases", List.of(DB, DEAD_DB)));
    }

    @AfterAll
    static void cleanUp() {
        GatewayClient.api().auth().oauth2(ADMIN_TOKEN_VALUE).delete("/api/v1/users/" + USER);
        GatewayClient.deleteDatabase(DEAD_DB);
        GatewayClient.deleteDatabase(DB);
    }

    @Test
    void workloadIsCountedPerDatabaseAndMetersGoWithTheDatabase() throws Exception {
        // Tests share one application: count what this workload adds. pgJDBC may run requests of
        // its own at login, so the queries are measured on one connection after its login.
        String before = metrics();
        for (int i = 0; i < LOGINS - 1; i++) {
            try (Connection c = GatewayClient.connect(DB, USER, PASSWORD)) {
                assertTrue(c.isValid(5));
            }
        }
        String beforeQueries;
        try (Connection c = GatewayClient.connect(DB, USER, PASSWORD); Statement s = c.createStatement()) {
            beforeQueries = metrics();
            for (int q = 0; q < QUERIES; q++) {
                try (ResultSet rs = s.executeQuery("SELECT 1")) {
                    assertTrue(rs.next());
                }
            }
        }
        String text = awaitMetrics(m -> value(m, "portcullis_pool_sv_idle", DB) >= 1);
        assertEquals(LOGINS, added(before, text, "portcullis_client_logins_total"));
        assertEquals(LOGINS, added(before, text, "portcullis_client_wait_seconds_count"));
        assertEquals(QUERIES, added(beforeQueries, text, "portcullis_queries_total"));
        assertTrue(added(beforeQueries, text, "portcullis_transactions_total") >= QUERIES, text);
        assertTrue(value(text, "portcullis_client_received_bytes_total", DB) > 0);
        assertTrue(value(text, "portcullis_client_sent_bytes_total", DB) > 0);
        assertTrue(value(text, "portcullis_server_connections_opened_total", DB) >= 1);
        assertEquals(0, value(text, "portcullis_pool_cl_active", DB));
        assertEquals(0, value(text, "portcullis_pool_cl_waiting", DB));
        assertEquals(2, value(text, "portcullis_pool_size", DB));
        assertEquals(0, value(text, "portcullis_pool_maxwait_seconds", DB));
        assertTrue(sum(text, "portcullis_tls_handshakes_total\\{[^}]*outcome=\"success\"") >= LOGINS);
        assertTrue(sum(text, "portcullis_tls_certificate_not_after_seconds") > System.currentTimeMillis() / 1000.0);
        assertTrue(sum(text, "portcullis_config_version") >= 1);
        assertTrue(text.lines().filter(l -> l.startsWith("portcullis_")).noneMatch(l -> l.contains("127.0.0.1")),
                "no client address in any label of ours");

        GatewayClient.deleteDatabase(DB + "_absent"); // a no-op write must not disturb the meters
        GatewayClient.api().auth().oauth2(ADMIN_TOKEN_VALUE).contentType(ContentType.JSON)
                .body(Map.of("password", PASSWORD, "databases", List.of(DEAD_DB))).put("/api/v1/users/" + USER)
                .then().statusCode(200);
        GatewayClient.deleteDatabase(DB);
        String after = metrics();
        assertFalse(after.contains("database=\"" + DB + "\""), "meters of a deleted database are removed");
        GatewayClient.putDatabase(DB, Map.of("host", Backends.questdb().host(), "port", Backends.questdb().pgPort(),
                "user", Backends.questdb().user(), "password", Backends.questdb().password(), "poolSize", 2));
        GatewayClient.putUser(USER, Map.of("password", PASSWORD, "databases", List.of(DB, DEAD_DB)));
    }

    @Test
    void deadBackendTakesDownTheBackendsGroupButNotReadiness() {
        SQLException e = assertThrows(SQLException.class, () -> GatewayClient.connect(DEAD_DB, USER, PASSWORD).close());
        assertEquals("08006", e.getSQLState(), e.getMessage());

        String backendsBody = GatewayClient.api().get("/q/health/group/backends").then().statusCode(503).extract().asString();
        JsonPath backends = JsonPath.from(backendsBody);
        assertEquals("DOWN", backends.getString("status"));
        assertEquals("down", backends.getString("checks.find { it.name == 'backends' }.data." + DEAD_DB));
        String everything = backendsBody + GatewayClient.api().get("/q/health").then().extract().asString();
        for (String secret : List.of("127.0.0.1", ":" + DEAD_PORT, String.valueOf(DEAD_PORT), DEAD_USER, "refused", "onnect")) {
            assertFalse(everything.contains(secret), "the unauthenticated health output must not show '" + secret + "': " + everything);
        }
        JsonPath status = GatewayClient.api().auth().oauth2(ADMIN_TOKEN_VALUE).get("/api/v1/databases/" + DEAD_DB)
                .then().statusCode(200).extract().jsonPath();
        assertEquals("down", status.getString("backend.state"));
        assertTrue(status.getString("backend.detail").contains(String.valueOf(DEAD_PORT)),
                "a token holder sees why: " + status.getString("backend.detail"));
        assertTrue(status.getString("backend.since") != null);

        JsonPath ready = GatewayClient.api().get("/q/health/ready").then().statusCode(200).extract().jsonPath();
        assertEquals("UP", ready.getString("status"));
        Map<String, Object> tls = ready.getMap("checks.find { it.name == 'tls-certificate' }.data");
        assertTrue(tls.containsKey("notAfter") && tls.containsKey("expiresSoon") && tls.containsKey("daysLeft"), tls.toString());
        assertEquals(Boolean.FALSE, tls.get("expiresSoon"));
        assertEquals("UP", ready.getString("checks.find { it.name == 'configuration' }.status"));
        assertEquals("UP", ready.getString("checks.find { it.name == 'wire-listener' }.status"));

        JsonPath live = GatewayClient.api().get("/q/health/live").then().statusCode(200).extract().jsonPath();
        assertEquals("UP", live.getString("checks.find { it.name == 'event-loops' }.status"));
        GatewayClient.api().get("/q/health/started").then().statusCode(200);
    }

    @Test
    void logsNameTheConnectionButNeverTheSecrets() throws Exception {
        Queue<String> lines = new ConcurrentLinkedQueue<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
                lines.add(record.getLoggerName() + " " + message + (record.getThrown() == null ? "" : " " + record.getThrown()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        try {
            SQLException e = assertThrows(SQLException.class, () -> GatewayClient.connect(DB, USER, WRONG_PASSWORD).close());
            assertEquals("28P01", e.getSQLState());
            try (Connection c = GatewayClient.connect(DB, USER, PASSWORD); Statement s = c.createStatement()) {
                s.execute("SELECT 1");
            }
            GatewayClient.putUser(USER, Map.of("password", PASSWORD, "databases", List.of(DB, DEAD_DB)));
            awaitLine(lines, "disconnect");
        } finally {
            root.removeHandler(capture);
        }
        String all = String.join("\n", lines);
        assertFalse(all.contains(PASSWORD), all);
        assertFalse(all.contains(WRONG_PASSWORD), all);
        assertFalse(all.contains(ADMIN_TOKEN_VALUE), all);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("io.portcullis.connections login failed")
                && l.contains("database=\"" + DB + "\"") && l.contains("user=\"" + USER + "\"")
                && l.contains("sqlstate=28P01") && l.contains("tls=TLSv1.")), all);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("io.portcullis.connections login ok")
                && l.contains("user=\"" + USER + "\"") && l.contains("tls=TLSv1.")), all);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("io.portcullis.connections disconnect")
                && l.contains("duration_ms=") && l.matches(".*bytes_in=[1-9].*")), all);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("io.portcullis.audit token 'bootstrap' replaced user '"
                + USER + "'") && l.matches(".*configuration version (\\d+) -> \\d+.*")), all);
        assertTrue(value(metrics(), "portcullis_auth_failures_total\\{[^}]*reason=\"bad_credentials\"") >= 1);
    }

    /**
     * Every series the shipped Grafana dashboard queries exists in a real scrape after traffic of each
     * kind the dashboard shows (logins, queries, a failed login, an unreachable backend), so a renamed
     * meter breaks this test and not an operator's dashboard.
     */
    @Test
    void grafanaDashboardQueriesOnlyMetricsTheGatewayExports() throws Exception {
        try (Connection c = GatewayClient.connect(DB, USER, PASSWORD); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT 1")) {
            assertTrue(rs.next());
        }
        assertThrows(SQLException.class, () -> GatewayClient.connect(DB, USER, WRONG_PASSWORD).close());
        assertThrows(SQLException.class, () -> GatewayClient.connect(DEAD_DB, USER, PASSWORD).close());
        String dashboard = java.nio.file.Files.readString(java.nio.file.Path.of("deploy/grafana/portcullis-dashboard.json"));
        java.util.Set<String> queried = new java.util.TreeSet<>();
        Matcher names = Pattern.compile("\\bportcullis_[a-z0-9_]+").matcher(dashboard);
        while (names.find()) {
            queried.add(names.group());
        }
        assertTrue(queried.size() >= 10, "the dashboard queries the gateway's metrics: " + queried);
        String text = awaitMetrics(m -> m.contains("portcullis_server_login_failures_total{"));
        java.util.Set<String> exported = new java.util.TreeSet<>();
        text.lines().filter(l -> l.startsWith("portcullis_")).forEach(l -> exported.add(l.split("[{ ]", 2)[0]));
        java.util.Set<String> missing = new java.util.TreeSet<>(queried);
        missing.removeAll(exported);
        assertTrue(missing.isEmpty(), "the dashboard queries series the gateway does not export: " + missing
                + "\nexported: " + exported);
    }

    private static void awaitLine(Queue<String> lines, String marker) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline && lines.stream().noneMatch(l -> l.contains(marker) && l.contains(USER))) {
            Thread.sleep(20);
        }
    }

    private static String metrics() {
        return GatewayClient.api().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    private static String awaitMetrics(java.util.function.Predicate<String> ready) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        String text = metrics();
        while (!ready.test(text) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            text = metrics();
        }
        return text;
    }

    /** How much a counter of {@link #DB} grew between two scrapes (absent counts as 0). */
    static double added(String before, String after, String name) {
        return Math.max(0, value(after, name, DB)) - Math.max(0, value(before, name, DB));
    }

    /** The value of {@code name} for one database label, or -1 when absent. */
    public static double value(String text, String name, String database) {
        return value(text, name + "\\{[^}]*database=\"" + database + "\"");
    }

    public static double value(String text, String seriesRegex) {
        Matcher m = Pattern.compile("(?m)^" + seriesRegex + "[^}]*} ([0-9.eE+-]+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    /** Sum over every series whose start matches. */
    static double sum(String text, String seriesRegex) {
        Matcher m = Pattern.compile("(?m)^" + seriesRegex + "[^ ]* ([0-9.eE+-]+)$").matcher(text);
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }
}
