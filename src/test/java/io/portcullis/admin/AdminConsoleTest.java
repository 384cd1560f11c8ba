package io.portcullis.admin;

import io.portcullis.observe.OperationsTest;
import io.portcullis.testing.Backends;
import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.PostgresServer;
import io.portcullis.testing.QuestDbServer;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The PgBouncer-compatible admin console, driven as operators drive PgBouncer's: psql and pgJDBC in
 * simple query mode, against real backends through the gateway.
 */
@QuarkusTest
class AdminConsoleTest {

    static final String ADMIN = "adm_admin";
    static final String ADMIN_PASSWORD = "adm-admin-pass";
    static final String USER = "adm_user";
    static final String PASSWORD = "adm-user-pass";
    static final String CONSOLE = "pgbouncer";
    static final String STATS_DB = "adm_stats";
    static final String PAUSE_DB = "adm_pause";
    static final String SESSION_DB = "adm_session";
    static final String DISABLE_DB = "adm_disable";
    static final Map<String, String> SIMPLE = Map.of("preferQueryMode", "simple");

    static final List<String> POOLS_COLUMNS = List.of("database", "user", "cl_active", "cl_waiting",
            "cl_active_cancel_req", "cl_waiting_cancel_req", "sv_active", "sv_active_cancel", "sv_being_canceled",
            "sv_idle", "sv_used", "sv_tested", "sv_login", "maxwait", "maxwait_us", "pool_mode", "load_balance_hosts");
    static final List<String> SOCKET_COLUMNS = List.of("type", "user", "database", "replication", "state", "addr",
            "port", "local_addr", "local_port", "connect_time", "request_time", "wait", "wait_us", "close_needed",
            "ptr", "link", "remote_pid", "tls", "application_name", "prepared_statements", "id");
    static final List<String> STATS_COLUMNS = List.of("database", "total_server_assignment_count",
            "total_xact_count", "total_query_count", "total_received", "total_sent", "total_xact_time",
            "total_query_time", "total_wait_time", "total_client_parse_count", "total_server_parse_count",
            "total_bind_count", "avg_server_assignment_count", "avg_xact_count", "avg_query_count", "avg_recv",
            "avg_sent", "avg_xact_time", "avg_query_time", "avg_wait_time", "avg_client_parse_count",
            "avg_server_parse_count", "avg_bind_count");
    static final List<String> DATABASES_COLUMNS = List.of("name", "host", "port", "database", "force_user",
            "pool_size", "min_pool_size", "reserve_pool_size", "server_lifetime", "pool_mode", "load_balance_hosts",
            "max_connections", "current_connections", "max_client_connections", "current_client_connections",
            "paused", "disabled");

    @BeforeAll
    static void configure() {
        PostgresServer pg = Backends.postgres();
        QuestDbServer questdb = Backends.questdb();
        for (String db : List.of(STATS_DB, PAUSE_DB)) {
            GatewayClient.putDatabase(db, Map.of("host", pg.host(), "port", pg.port(), "dbname", pg.database(),
                    "user", pg.scramUser(), "password", pg.scramPassword(), "poolSize", 1, "poolMode", "transaction"));
        }
        for (String db : List.of(SESSION_DB, DISABLE_DB)) {
            GatewayClient.putDatabase(db, Map.of("host", questdb.host(), "port", questdb.pgPort(),
                    "user", questdb.user(), "password", questdb.password(), "poolSize", 2));
        }
        GatewayClient.putUser(ADMIN, Map.of("password", ADMIN_PASSWORD, "admin", true));
        GatewayClient.putUser(USER, Map.of("password", PASSWORD));
    }

    static Connection console() throws SQLException {
        return GatewayClient.connect(CONSOLE, ADMIN, ADMIN_PASSWORD, SIMPLE);
    }

    static List<Map<String, String>> rows(Connection c, String sql) throws SQLException {
        return io.portcullis.testing.ResultRows.of(c, sql);
    }

    static Map<String, String> row(Connection c, String sql, String keyColumn, String key) throws SQLException {
        return rows(c, sql).stream().filter(r -> key.equals(r.get(keyColumn))).findFirst()
                .orElseThrow(() -> new AssertionError("no row with " + keyColumn + "=" + key + " in " + sql));
    }

    static List<String> columns(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> names = new ArrayList<>();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                names.add(rs.getMetaData().getColumnName(i) + ":" + rs.getMetaData().getColumnTypeName(i));
            }
            return names;
        }
    }

    static long number(Map<String, String> row, String column) {
        return Long.parseLong(row.get(column));
    }

    @Test
    void psqlShowPoolsAnswersWithPgBouncersColumnsInOrder() throws Exception {
        try (Connection c = GatewayClient.connect(STATS_DB, USER, PASSWORD)) {
            assertTrue(c.isValid(5)); // the database has a pool now
        }
        ProcessBuilder psql = new ProcessBuilder("/usr/bin/psql", "-X", "-A", "-F", "|", "-c", "SHOW POOLS;",
                "host=127.0.0.1 port=" + GatewayClient.gatewayPort() + " dbname=" + CONSOLE + " user=" + ADMIN
                        + " sslmode=require connect_timeout=10")
                .redirectErrorStream(true);
        psql.environment().put("PGPASSWORD", ADMIN_PASSWORD);
        Process process = psql.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), out);
        String[] lines = out.split("\n");
        assertEquals(String.join("|", POOLS_COLUMNS), lines[0], out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith(STATS_DB + "|" + Backends.postgres().scramUser() + "|")), out);
        assertTrue(out.lines().anyMatch(l -> l.endsWith("|transaction|")), out);
    }

    /** PgBouncer 1.25's SHOW PEERS; with the file store the one peer is this replica, without a peer listener. */
    @Test
    void showPeersListsThisReplicaWithPgBouncersColumnsAndTypes() throws Exception {
        try (Connection c = console()) {
            assertEquals(List.of("peer_id:int4", "host:text", "port:int4", "pool_size:int4"), columns(c, "SHOW PEERS"));
            List<Map<String, String>> peers = rows(c, "show peers;");
            assertEquals(1, peers.size(), peers.toString());
            assertEquals("1", peers.get(0).get("peer_id"));
            assertEquals(null, peers.get(0).get("host"));
            assertEquals(null, peers.get(0).get("port"));
            assertEquals("0", peers.get(0).get("pool_size"));
            assertEquals("1", row(c, "SHOW LISTS", "list", "peers").get("items"), "SHOW LISTS counts the same peers");
        }
    }

    @Test
    void everyShowCommandHasPgBouncersColumnsAndTypes() throws Exception {
        try (Connection c = console()) {
            assertEquals(POOLS_COLUMNS, names(columns(c, "show pools")));
            assertEquals(SOCKET_COLUMNS, names(columns(c, "SHOW CLIENTS")));
            assertEquals(SOCKET_COLUMNS, names(columns(c, "Show Servers;")));
            assertEquals(STATS_COLUMNS, names(columns(c, "SHOW STATS")));
            assertEquals(DATABASES_COLUMNS, names(columns(c, "SHOW DATABASES")));
            assertEquals(List.of("name", "pool_size", "reserve_pool_size", "pool_mode", "max_user_connections",
                    "current_connections", "max_user_client_connections", "current_client_connections"),
                    names(columns(c, "SHOW USERS")));
            assertEquals(List.of("list:text", "items:int4"), columns(c, "SHOW LISTS"));
            assertEquals(List.of("key:text", "value:text", "default:text", "changeable:text"), columns(c, "SHOW CONFIG"));
            assertEquals(List.of("version:text"), columns(c, "SHOW VERSION"));
            assertEquals(12, columns(c, "SHOW STATS_TOTALS").size());
            assertEquals("avg_bind_count:numeric", columns(c, "SHOW STATS_AVERAGES").get(11));
            List<String> stats = columns(c, "SHOW STATS");
            assertEquals("database:text", stats.get(0));
            assertTrue(stats.subList(1, stats.size()).stream().allMatch(t -> t.endsWith(":numeric")), stats.toString());
            assertEquals("cl_active:int4", columns(c, "SHOW POOLS").get(2));
            assertEquals("pool_mode:text", columns(c, "SHOW POOLS").get(15));

            Map<String, String> me = row(c, "SHOW CLIENTS", "id", Integer.toString(c.unwrap(PGConnection.class).getBackendPID()));
            assertEquals(CONSOLE, me.get("database"));
            assertEquals(ADMIN, me.get("user"));
            assertEquals("active", me.get("state"));
            assertTrue(me.get("tls").startsWith("TLSv1."), me.toString());
            assertEquals("0", row(c, "SHOW LISTS", "list", "dns_pending").get("items"));
            assertTrue(rows(c, "SHOW VERSION").get(0).get("version").startsWith("PgBouncer 1.25.1 compatible (Portcullis "));
            assertEquals("pgbouncer", row(c, "SHOW CONFIG", "key", "portcullis.admin.database").get("value"));
            Map<String, String> db = row(c, "SHOW DATABASES", "name", STATS_DB);
            assertEquals("1", db.get("pool_size"));
            assertEquals("transaction", db.get("pool_mode"));
            assertEquals("0", db.get("paused"));
        }
    }

    private static List<String> names(List<String> typed) {
        return typed.stream().map(t -> t.substring(0, t.indexOf(':'))).toList();
    }

    @Test
    void showStatsCountsAWorkloadOfQueriesAndTransactions() throws Exception {
        int queries = 7;
        int transactions = 3;
        try (Connection admin = console(); Connection client = GatewayClient.connect(STATS_DB, USER, PASSWORD, SIMPLE);
             Statement s = client.createStatement()) {
            Map<String, String> before = row(admin, "SHOW STATS", "database", STATS_DB);
            String metricsBefore = metrics();
            for (int i = 0; i < queries; i++) {
                s.execute("SELECT " + i);
            }
            for (int i = 0; i < transactions; i++) {
                s.execute("BEGIN");
                s.execute("SELECT pg_sleep(0.01)");
                s.execute("COMMIT");
            }
            Map<String, String> after = row(admin, "SHOW STATS", "database", STATS_DB);
            long queryCount = number(after, "total_query_count") - number(before, "total_query_count");
            long xactCount = number(after, "total_xact_count") - number(before, "total_xact_count");
            long assignments = number(after, "total_server_assignment_count") - number(before, "total_server_assignment_count");
            long queryTime = number(after, "total_query_time") - number(before, "total_query_time");
            long xactTime = number(after, "total_xact_time") - number(before, "total_xact_time");
            assertEquals(queries + 3L * transactions, queryCount);
            assertEquals(queries + (long) transactions, xactCount);
            assertEquals(queries + (long) transactions, assignments, "transaction mode: one server per transaction");
            assertTrue(queryTime >= transactions * 10_000L, "pg_sleep(0.01) three times: " + queryTime + " us");
            assertTrue(xactTime >= queryTime, xactTime + " >= " + queryTime);
            assertTrue(number(after, "total_received") > number(before, "total_received"));
            assertTrue(number(after, "total_sent") > number(before, "total_sent"));

            Map<String, String> totals = row(admin, "SHOW STATS_TOTALS", "database", STATS_DB);
            assertEquals(after.get("total_query_count"), totals.get("query_count"));
            assertEquals(after.get("total_xact_time"), totals.get("xact_time"));

            String metricsAfter = metrics();
            assertEquals(queries + 3.0 * transactions, added(metricsBefore, metricsAfter, "portcullis_query_duration_seconds_count"));
            assertEquals(queries + (double) transactions, added(metricsBefore, metricsAfter, "portcullis_transaction_duration_seconds_count"));
            assertTrue(added(metricsBefore, metricsAfter, "portcullis_query_duration_seconds_sum") >= 0.03);
            assertTrue(OperationsTest.value(metricsAfter, "portcullis_transaction_duration_seconds_bucket\\{[^}]*database=\""
                    + STATS_DB + "\",le=\"\\+Inf\"") >= queries + transactions, "histogram buckets are exported");
        }
    }

    private static String metrics() {
        return GatewayClient.api().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    private static double added(String before, String after, String name) {
        return Math.max(0, OperationsTest.value(after, name, STATS_DB)) - Math.max(0, OperationsTest.value(before, name, STATS_DB));
    }

    @Test
    void pauseHoldsQueriesUntilResume() throws Exception {
        try (Connection admin = console(); Connection client = GatewayClient.connect(PAUSE_DB, USER, PASSWORD);
             Statement s = client.createStatement()) {
            assertEquals(1, selectInt(s, "SELECT 1"));
            try (Statement a = admin.createStatement()) {
                a.execute("PAUSE " + PAUSE_DB); // returns once the (idle) server connection is closed
            }
            Map<String, String> paused = row(admin, "SHOW DATABASES", "name", PAUSE_DB);
            assertEquals("1", paused.get("paused"));
            assertEquals("0", paused.get("current_connections"));
            CompletableFuture<Integer> query = CompletableFuture.supplyAsync(() -> {
                try {
                    return selectInt(s, "SELECT 42");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThrows(TimeoutException.class, () -> query.get(1, TimeUnit.SECONDS), "the query waits while paused");
            assertEquals("1", row(admin, "SHOW POOLS", "database", PAUSE_DB).get("cl_waiting"));
            try (Statement a = admin.createStatement()) {
                a.execute("RESUME " + PAUSE_DB);
            }
            assertEquals(42, query.get(10, TimeUnit.SECONDS));
            SQLException notPaused = assertThrows(SQLException.class, () -> admin.createStatement().execute("RESUME " + PAUSE_DB));
            assertEquals("55000", notPaused.getSQLState());
        }
    }

    @Test
    void killClientEndsThatClientWith57P01() throws Exception {
        try (Connection admin = console(); Connection victim = GatewayClient.connect(SESSION_DB, USER, PASSWORD);
             Connection bystander = GatewayClient.connect(SESSION_DB, USER, PASSWORD)) {
            int id = victim.unwrap(PGConnection.class).getBackendPID();
            Map<String, String> listed = row(admin, "SHOW CLIENTS", "id", Integer.toString(id));
            assertEquals(SESSION_DB, listed.get("database"));
            assertEquals("active", listed.get("state"), "session mode: it holds its server connection");
            assertTrue(listed.get("link").startsWith("server-"), listed.toString());
            String server = listed.get("link");
            assertEquals("client-" + id, row(admin, "SHOW SERVERS", "ptr", server).get("link"));
            try (Statement a = admin.createStatement()) {
                a.execute("KILL_CLIENT " + id);
            }
            SQLException e = assertThrows(SQLException.class, () -> {
                for (int i = 0; i < 50; i++) {
                    selectInt(victim.createStatement(), "SELECT 1");
                    Thread.sleep(20);
                }
            });
            assertTrue("57P01".equals(e.getSQLState()) || String.valueOf(e.getMessage()).contains("administrator"), e.toString());
            assertEquals(1, selectInt(bystander.createStatement(), "SELECT 1"));
            SQLException unknown = assertThrows(SQLException.class, () -> admin.createStatement().execute("KILL_CLIENT " + id));
            assertEquals("42704", unknown.getSQLState());
        }
    }

    @Test
    void disableRefusesNewLoginsAndEnableAcceptsThemAgain() throws Exception {
        try (Connection admin = console(); Connection existing = GatewayClient.connect(DISABLE_DB, USER, PASSWORD)) {
            try (Statement a = admin.createStatement()) {
                a.execute("DISABLE " + DISABLE_DB);
            }
            assertEquals("1", row(admin, "SHOW DATABASES", "name", DISABLE_DB).get("disabled"));
            SQLException refused = assertThrows(SQLException.class, () -> GatewayClient.connect(DISABLE_DB, USER, PASSWORD).close());
            assertEquals("57P03", refused.getSQLState(), refused.toString());
            assertEquals(1, selectInt(existing.createStatement(), "SELECT 1"), "sessions already in stay");
            try (Statement a = admin.createStatement()) {
                a.execute("ENABLE " + DISABLE_DB);
            }
            try (Connection again = GatewayClient.connect(DISABLE_DB, USER, PASSWORD)) {
                assertEquals(1, selectInt(again.createStatement(), "SELECT 1"));
            }
        }
    }

    @Test
    void reconnectClosesServerConnectionsAsTheyComeBackAndWaitCloseWaitsForThat() throws Exception {
        try (Connection admin = console()) {
            CompletableFuture<Void> waitClose;
            try (Connection holder = GatewayClient.connect(SESSION_DB, USER, PASSWORD)) {
                assertEquals(1, selectInt(holder.createStatement(), "SELECT 1"));
                String server = row(admin, "SHOW CLIENTS", "id",
                        Integer.toString(holder.unwrap(PGConnection.class).getBackendPID())).get("link");
                try (Statement a = admin.createStatement()) {
                    a.execute("RECONNECT " + SESSION_DB);
                }
                assertEquals("1", row(admin, "SHOW SERVERS", "ptr", server).get("close_needed"));
                try (Connection waiter = console()) {
                    waitClose = CompletableFuture.runAsync(() -> {
                        try (Statement w = waiter.createStatement()) {
                            w.execute("WAIT_CLOSE " + SESSION_DB);
                        } catch (SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    assertThrows(TimeoutException.class, () -> waitClose.get(500, TimeUnit.MILLISECONDS),
                            "the server connection is still lent");
                    holder.close(); // session mode: the connection comes back now, and is closed
                    waitClose.get(10, TimeUnit.SECONDS);
                }
                assertTrue(rows(admin, "SHOW SERVERS").stream().noneMatch(r -> server.equals(r.get("ptr"))));
            }
        }
    }

    @Test
    void killDropsTheDatabasesClientsAndHoldsNewOnesUntilResume() throws Exception {
        String db = "adm_kill";
        QuestDbServer questdb = Backends.questdb();
        GatewayClient.putDatabase(db, Map.of("host", questdb.host(), "port", questdb.pgPort(),
                "user", questdb.user(), "password", questdb.password(), "poolSize", 2));
        try (Connection admin = console(); Connection doomed = GatewayClient.connect(db, USER, PASSWORD);
             Connection other = GatewayClient.connect(SESSION_DB, USER, PASSWORD)) {
            assertEquals(1, selectInt(doomed.createStatement(), "SELECT 1"));
            try (Statement a = admin.createStatement()) {
                a.execute("KILL " + db);
            }
            SQLException e = assertThrows(SQLException.class, () -> {
                for (int i = 0; i < 50; i++) {
                    selectInt(doomed.createStatement(), "SELECT 1");
                    Thread.sleep(20);
                }
            });
            assertTrue("57P01".equals(e.getSQLState()) || String.valueOf(e.getMessage()).contains("administrator"), e.toString());
            assertEquals(1, selectInt(other.createStatement(), "SELECT 1"), "other databases are untouched");
            CompletableFuture<Connection> login = CompletableFuture.supplyAsync(() -> {
                try {
                    return GatewayClient.connect(db, USER, PASSWORD);
                } catch (SQLException ex) {
                    throw new IllegalStateException(ex);
                }
            });
            assertThrows(TimeoutException.class, () -> login.get(1, TimeUnit.SECONDS), "killed = paused until RESUME");
            try (Statement a = admin.createStatement()) {
                a.execute("RESUME " + db);
            }
            try (Connection again = login.get(10, TimeUnit.SECONDS)) {
                assertEquals(1, selectInt(again.createStatement(), "SELECT 1"));
            }
        }
    }

    @Test
    void nonAdminUsersAreNotAllowedIn() {
        SQLException e = assertThrows(SQLException.class, () -> GatewayClient.connect(CONSOLE, USER, PASSWORD, SIMPLE).close());
        assertEquals("28000", e.getSQLState());
        assertTrue(e.getMessage().contains("not allowed"), e.getMessage());
    }

    /** Issue 20 item 4: SHOW STATE, TOTALS, FDS, MEM and HELP with PgBouncer 1.25's columns; SUSPEND refused. */
    @Test
    void theRestOfPgBouncersShowCommandsAnswerAsItsDo() throws Exception {
        try (Connection c = console()) {
            assertEquals(List.of("key:text", "value:text"), columns(c, "SHOW STATE"));
            assertEquals(List.of("active", "paused", "suspended"), rows(c, "SHOW STATE").stream().map(r -> r.get("key")).toList());
            assertEquals("no", row(c, "SHOW STATE", "key", "suspended").get("value"));
            assertEquals(List.of("name:text", "value:numeric"), columns(c, "SHOW TOTALS"));
            List<String> totals = rows(c, "SHOW TOTALS").stream().map(r -> r.get("name")).toList();
            assertEquals(22, totals.size(), totals.toString());
            assertEquals("total_server_assignment_count", totals.get(0));
            assertTrue(totals.contains("total_client_bytes") && totals.contains("avg_ps_bind_count"), totals.toString());
            assertEquals(List.of("fd:int4", "task:text", "user:text", "database:text", "addr:text", "port:int4", "cancel:int8",
                    "link:int4", "client_encoding:text", "std_strings:text", "datestyle:text", "timezone:text", "password:text",
                    "scram_client_key:bytea", "scram_server_key:bytea"), columns(c, "SHOW FDS"));
            assertTrue(rows(c, "SHOW FDS").isEmpty(), "no sockets to hand over");
            assertEquals(List.of("name:text", "size:int4", "used:int4", "free:int4", "memtotal:int4"), columns(c, "SHOW MEM"));
            assertTrue(Long.parseLong(row(c, "SHOW MEM", "name", "heap").get("used")) > 0);

            java.sql.Statement help = c.createStatement();
            help.execute("SHOW HELP");
            java.sql.SQLWarning notice = help.getWarnings();
            assertTrue(notice != null && notice.getMessage().contains("Console usage"), String.valueOf(notice));
            assertTrue(((org.postgresql.util.PSQLWarning) notice).getServerErrorMessage().getDetail().contains("SET key = arg"));

            SQLException suspend = assertThrows(SQLException.class, () -> c.createStatement().execute("SUSPEND"));
            assertEquals("0A000", suspend.getSQLState());
            assertTrue(suspend.getMessage().contains("SHUTDOWN"), suspend.getMessage());
        }
    }

    /** RELOAD reads the store now: a database written to config.json by another writer is there at once. */
    @Test
    void reloadReadsTheStoreNow() throws Exception {
        io.portcullis.config.FileConfigStore elsewhere = new io.portcullis.config.FileConfigStore(GatewayClient.dataDir(), e -> { });
        io.portcullis.config.DatabaseConfig copy = elsewhere.current().database(STATS_DB).orElseThrow();
        elsewhere.update(io.portcullis.config.ConfigStore.ANY_VERSION, c -> c.withDatabase(new io.portcullis.config.DatabaseConfig(
                "adm_reloaded", copy.host(), copy.port(), copy.dbname(), copy.user(), copy.sealedPassword(), copy.serverTls(),
                copy.poolMode(), 1, 0, 0, 0)));
        try (Connection c = console()) {
            c.createStatement().execute("RELOAD");
            assertEquals("adm_reloaded", row(c, "SHOW DATABASES", "name", "adm_reloaded").get("name"));
        } finally {
            GatewayClient.deleteDatabase("adm_reloaded");
        }
    }

    /**
     * SET on a setting of the settings table stores it as PUT /api/v1/settings does (so the API and SHOW CONFIG show
     * it), by its PgBouncer name or its API name; bad values and unknown names are refused.
     */
    @Test
    void setChangesALiveSettingAsTheApiDoes() throws Exception {
        try (Connection c = console()) {
            c.createStatement().execute("SET query_wait_timeout = '95s'");
            GatewayClient.api().auth().oauth2(io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE).get("/api/v1/settings")
                    .then().statusCode(200).body("queryWaitTimeout", org.hamcrest.Matchers.equalTo("95s"));
            Map<String, String> shown = row(c, "SHOW CONFIG", "key", "portcullis.pool.query-wait-timeout");
            assertEquals("95s", shown.get("value"));
            assertEquals("yes", shown.get("changeable"));
            c.createStatement().execute("SET queryWaitTimeout TO '96s'");
            assertEquals("96s", row(c, "SHOW CONFIG", "key", "portcullis.pool.query-wait-timeout").get("value"));
            SQLException bad = assertThrows(SQLException.class, () -> c.createStatement().execute("SET query_wait_timeout = 'soon'"));
            assertEquals("22023", bad.getSQLState(), bad.getMessage());
            SQLException unknown = assertThrows(SQLException.class, () -> c.createStatement().execute("SET no_such_knob = 1"));
            assertEquals("0A000", unknown.getSQLState());
            c.createStatement().execute("SET application_name = 'psql'"); // a driver's session parameter: accepted
        } finally {
            GatewayClient.api().auth().oauth2(io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE)
                    .contentType(io.restassured.http.ContentType.JSON).body("{}").put("/api/v1/settings").then().statusCode(200);
        }
    }

    @Test
    void unknownCommandsAndUnknownDatabasesAreErrorsAndTheSessionGoesOn() throws Exception {
        try (Connection c = console()) {
            SQLException syntax = assertThrows(SQLException.class, () -> c.createStatement().execute("SHOW NONSENSE"));
            assertEquals("42601", syntax.getSQLState());
            SQLException twoCommands = assertThrows(SQLException.class, () -> c.createStatement().execute("SHOW POOLS; SHOW STATS"));
            assertEquals("42601", twoCommands.getSQLState());
            SQLException noDb = assertThrows(SQLException.class, () -> c.createStatement().execute("PAUSE adm_nowhere"));
            assertEquals("3D000", noDb.getSQLState());
            assertFalse(rows(c, "show version;").isEmpty());
        }
    }

    @Test
    void theExtendedProtocolIsRefusedAndTheSessionGoesOn() throws Exception {
        try (Connection c = GatewayClient.connect(CONSOLE, ADMIN, ADMIN_PASSWORD)) { // pgJDBC's default: extended
            for (int i = 0; i < 2; i++) {
                SQLException e = assertThrows(SQLException.class, () -> c.createStatement().executeQuery("SHOW VERSION"));
                assertEquals("0A000", e.getSQLState());
            }
        }
    }

    static int selectInt(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next());
            return rs.getInt(1);
        }
    }
}
