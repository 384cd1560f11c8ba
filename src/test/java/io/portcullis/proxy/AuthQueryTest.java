package io.portcullis.proxy;

import io.portcullis.testing.Backends;
import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.PostgresServer;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 20 item 1: users that exist only in PostgreSQL log in through the gateway with their own passwords, looked up
 * with the database's authQuery (PgBouncer's auth_user/auth_query), and reach PostgreSQL as themselves by SCRAM or md5
 * passthrough, on a private PostgreSQL whose roles this test owns.
 */
@QuarkusTest
class AuthQueryTest {

    /** Looks users up as the superuser, with the default query (pg_authid). */
    private static final String DEFAULT_QUERY_DB = "aq_default";
    /** Looks users up as an unprivileged role through a SECURITY DEFINER function; has no user of its own. */
    private static final String FUNCTION_DB = "aq_function";
    private static final String SCRAM_ROLE = "aq_scram_role";
    private static final String SCRAM_PASSWORD = "only-postgres-knows-this";
    private static final String DROPPED_ROLE = "aq_dropped_role";
    private static final String LOOKUP_ROLE = "aq_lookup";
    private static final String LOOKUP_PASSWORD = "lookup-pass";
    private static final String PORTCULLIS_USER = "aq_portcullis_user";

    private static PostgresServer pg;

    @BeforeAll
    static void start() throws SQLException {
        pg = Backends.newPostgres("auth-query");
        try (Connection c = pg.connectAsSuperuser(pg.database()); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + SCRAM_ROLE + " LOGIN PASSWORD '" + SCRAM_PASSWORD + "'");
            s.execute("CREATE ROLE " + DROPPED_ROLE + " LOGIN PASSWORD 'soon-gone'");
            s.execute("CREATE ROLE " + LOOKUP_ROLE + " LOGIN PASSWORD '" + LOOKUP_PASSWORD + "'");
            s.execute("CREATE FUNCTION public.user_lookup(name text, OUT usename name, OUT passwd text) RETURNS record "
                    + "LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog AS "
                    + "$$ SELECT rolname, rolpassword FROM pg_authid WHERE rolname = name AND rolcanlogin $$");
            s.execute("REVOKE ALL ON FUNCTION public.user_lookup(text) FROM PUBLIC");
            s.execute("GRANT EXECUTE ON FUNCTION public.user_lookup(text) TO " + LOOKUP_ROLE);
        }
        GatewayClient.putDatabase(DEFAULT_QUERY_DB, Map.of("host", pg.host(), "port", pg.port(), "dbname",
                pg.database(), "user", pg.scramUser(), "password", pg.scramPassword(), "poolSize", 2,
                "authUser", pg.superuser(), "authPassword", pg.superuserPassword()));
        GatewayClient.putDatabase(FUNCTION_DB, Map.of("host", pg.host(), "port", pg.port(), "dbname", pg.database(),
                "poolSize", 2, "authUser", LOOKUP_ROLE, "authPassword", LOOKUP_PASSWORD,
                "authQuery", "SELECT usename, passwd FROM public.user_lookup($1)"));
        GatewayClient.putUser(PORTCULLIS_USER, Map.of("password", "portcullis-pass"));
    }

    @AfterAll
    static void stop() {
        GatewayClient.deleteDatabase(DEFAULT_QUERY_DB);
        GatewayClient.deleteDatabase(FUNCTION_DB);
        if (pg != null) {
            pg.close();
        }
    }

    private static String currentUser(String database, String user, String password) throws SQLException {
        try (Connection c = GatewayClient.connect(database, user, password); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_user")) {
            assertTrue(rs.next());
            return rs.getString(1);
        }
    }

    @Test
    void aScramRoleThatExistsOnlyInPostgresLogsInAsItself() throws SQLException {
        assertEquals(SCRAM_ROLE, currentUser(DEFAULT_QUERY_DB, SCRAM_ROLE, SCRAM_PASSWORD));
        assertEquals(SCRAM_ROLE, currentUser(FUNCTION_DB, SCRAM_ROLE, SCRAM_PASSWORD), "through the function");
        // The database's own user still serves Portcullis users.
        assertEquals(pg.scramUser(), currentUser(DEFAULT_QUERY_DB, PORTCULLIS_USER, "portcullis-pass"));
    }

    @Test
    void anMd5RoleLogsInWithMd5PassedThrough() throws SQLException {
        // md5user's password is stored as an md5 hash and PostgreSQL's pg_hba asks it for md5.
        assertEquals(pg.md5User(), currentUser(DEFAULT_QUERY_DB, pg.md5User(), pg.md5Password()));
        assertEquals(pg.md5User(), currentUser(FUNCTION_DB, pg.md5User(), pg.md5Password()));
    }

    @Test
    void wrongPasswordsAndUnknownUsersAreRefusedAlike() {
        SQLException wrong = assertThrows(SQLException.class, () -> currentUser(DEFAULT_QUERY_DB, SCRAM_ROLE, "guess"));
        SQLException unknown = assertThrows(SQLException.class,
                () -> currentUser(DEFAULT_QUERY_DB, "aq_nobody", "guess"));
        assertEquals("28P01", wrong.getSQLState(), wrong.toString());
        assertEquals("28P01", unknown.getSQLState(), unknown.toString());
        assertEquals(wrong.getMessage().replace(SCRAM_ROLE, "X"), unknown.getMessage().replace("aq_nobody", "X"));
        SQLException md5Wrong = assertThrows(SQLException.class,
                () -> currentUser(FUNCTION_DB, pg.md5User(), "not-the-password"));
        assertEquals("28P01", md5Wrong.getSQLState(), md5Wrong.toString());
    }

    @Test
    void aPortcullisUserCannotUseADatabaseWithoutABackendUserOfItsOwn() {
        SQLException refused = assertThrows(SQLException.class,
                () -> currentUser(FUNCTION_DB, PORTCULLIS_USER, "portcullis-pass"));
        assertEquals("28000", refused.getSQLState(), refused.toString());
        assertTrue(refused.getMessage().contains("only users looked up in its backend"), refused.getMessage());
    }

    @Test
    void aRoleDroppedInPostgresCannotLogInOnceTheCacheExpires() throws Exception {
        assertEquals(DROPPED_ROLE, currentUser(FUNCTION_DB, DROPPED_ROLE, "soon-gone"));
        try (Connection c = pg.connectAsSuperuser(pg.database()); Statement s = c.createStatement()) {
            s.execute("DROP ROLE " + DROPPED_ROLE);
        }
        Thread.sleep(2_500); // %test.portcullis.auth.lookup-cache-ttl=2s
        SQLException gone = assertThrows(SQLException.class, () -> currentUser(FUNCTION_DB, DROPPED_ROLE, "soon-gone"));
        assertEquals("28P01", gone.getSQLState(), gone.toString());
    }

    @Test
    void eachLookedUpUserHasItsOwnPoolAndTheApiShowsNoSecret() throws SQLException {
        currentUser(DEFAULT_QUERY_DB, SCRAM_ROLE, SCRAM_PASSWORD);
        GatewayClient.api().auth().oauth2(io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE)
                .get("/api/v1/databases/" + DEFAULT_QUERY_DB).then().statusCode(200)
                .body("authUser", equalTo(pg.superuser()))
                .body("authPasswordSet", equalTo(true))
                .body("$", not(org.hamcrest.Matchers.hasKey("authPassword")));
        GatewayClient.api().auth().oauth2(io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE)
                .get("/api/v1/pools").then().statusCode(200)
                .body("findAll { it.database == '" + DEFAULT_QUERY_DB + "' }.user", hasItem(SCRAM_ROLE));
        // The exporter's pool metrics withhold the user label: the database's pools are one series, or Prometheus
        // would refuse the scrape for duplicate samples.
        String metrics = GatewayClient.api().get("/q/metrics").then().statusCode(200).extract().asString();
        long series = metrics.lines().filter(l -> l.startsWith("pgbouncer_pools_server_idle_connections{database=\""
                + DEFAULT_QUERY_DB + "\"")).count();
        assertEquals(1, series, metrics.lines().filter(l -> l.contains(DEFAULT_QUERY_DB)).toList().toString());
    }

    /** The PgBouncer import's auth_user and auth_query make a database that serves users looked up, as PgBouncer's did. */
    @Test
    void anImportedAuthQuerySetupServesRolesOfPostgres() throws SQLException {
        String ini = "[databases]\naq_imported = host=" + pg.host() + " port=" + pg.port() + " dbname=" + pg.database()
                + " auth_user=" + LOOKUP_ROLE + "\n[pgbouncer]\nauth_type = scram-sha-256\n"
                + "auth_query = SELECT usename, passwd FROM public.user_lookup($1)\n";
        GatewayClient.api().auth().oauth2(io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE)
                .contentType(io.restassured.http.ContentType.JSON)
                .body(Map.of("ini", ini, "userlist", "\"" + LOOKUP_ROLE + "\" \"" + LOOKUP_PASSWORD + "\"\n"))
                .post("/api/v1/import/pgbouncer").then().statusCode(200)
                .body("created.databases", hasItem("aq_imported"))
                .body("unmapped.key", not(hasItem("auth_query")));
        try {
            assertEquals(SCRAM_ROLE, currentUser("aq_imported", SCRAM_ROLE, SCRAM_PASSWORD));
            assertEquals(pg.md5User(), currentUser("aq_imported", pg.md5User(), pg.md5Password()));
        } finally {
            GatewayClient.deleteDatabase("aq_imported");
        }
    }

    /**
     * A lookup that answers more than one row fails the login with the lookup's reason in the log only; one that
     * answers a clear-text password finds no user (Portcullis checks proofs against verifiers, not passwords).
     */
    @Test
    void lookupsThatAnswerWhatNoVerifierIsAreRefused() throws SQLException {
        Map<String, Object> base = Map.of("host", pg.host(), "port", pg.port(), "dbname", pg.database(),
                "authUser", pg.superuser(), "authPassword", pg.superuserPassword());
        java.util.Map<String, Object> twoRows = new java.util.HashMap<>(base);
        twoRows.put("authQuery", "SELECT rolname, rolpassword FROM pg_authid WHERE rolname = $1 OR rolname = 'postgres'");
        java.util.Map<String, Object> clearText = new java.util.HashMap<>(base);
        clearText.put("authQuery", "SELECT $1::text, 'the-password'::text");
        GatewayClient.putDatabase("aq_two_rows", twoRows);
        GatewayClient.putDatabase("aq_clear_text", clearText);
        try {
            SQLException failed = assertThrows(SQLException.class,
                    () -> currentUser("aq_two_rows", SCRAM_ROLE, SCRAM_PASSWORD));
            assertEquals("08001", failed.getSQLState(), failed.toString());
            assertTrue(failed.getMessage().contains("could not be looked up"), failed.getMessage());
            assertTrue(!failed.getMessage().contains("returned"), "the reason stays in the gateway's log");
            SQLException none = assertThrows(SQLException.class,
                    () -> currentUser("aq_clear_text", SCRAM_ROLE, "the-password"));
            assertEquals("28P01", none.getSQLState(), none.toString());
        } finally {
            GatewayClient.deleteDatabase("aq_two_rows");
            GatewayClient.deleteDatabase("aq_clear_text");
        }
    }

    /**
     * maxDbConnections caps the database as a whole, as PgBouncer's max_db_connections does: with one connection
     * allowed and one looked-up user's session holding it, another user's login waits; when the first session ends,
     * its pool's idle connection is closed to make room, and the waiting login goes on.
     */
    @Test
    void maxDbConnectionsCapsTheDatabaseAcrossLookedUpUsersPools() throws Exception {
        GatewayClient.putDatabase("aq_capped", Map.of("host", pg.host(), "port", pg.port(), "dbname", pg.database(),
                "poolSize", 2, "maxDbConnections", 1, "authUser", pg.superuser(), "authPassword", pg.superuserPassword()));
        java.util.concurrent.ExecutorService second = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            java.util.concurrent.Future<String> waiting;
            try (Connection first = GatewayClient.connect("aq_capped", SCRAM_ROLE, SCRAM_PASSWORD)) {
                waiting = second.submit(() -> currentUser("aq_capped", pg.md5User(), pg.md5Password()));
                Thread.sleep(1500);
                assertFalse(waiting.isDone(), "the database's one connection is the first user's: the second waits");
                assertEquals(1, backendSessionsOf(SCRAM_ROLE) + backendSessionsOf(pg.md5User()),
                        "one server connection for the database, whichever user");
            }
            assertEquals(pg.md5User(), waiting.get(10, java.util.concurrent.TimeUnit.SECONDS),
                    "the first user's idle connection made room");
            assertEquals(0, backendSessionsOf(SCRAM_ROLE), "closed to make room");
        } finally {
            second.shutdownNow();
            GatewayClient.deleteDatabase("aq_capped");
        }
    }

    private static int backendSessionsOf(String role) throws SQLException {
        try (Connection c = pg.connectAsSuperuser(pg.database()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE usename = '" + role + "'")) {
            assertTrue(rs.next());
            return rs.getInt(1);
        }
    }

    /** Taking authUser away (a PUT without it) removes the lookup and the looked-up users' pools at once. */
    @Test
    void withoutAuthUserTheLookedUpUsersAndTheirPoolsAreGone() throws SQLException {
        Map<String, Object> plain = Map.of("host", pg.host(), "port", pg.port(), "dbname", pg.database(),
                "user", pg.scramUser(), "password", pg.scramPassword(), "poolSize", 2);
        java.util.Map<String, Object> looking = new java.util.HashMap<>(plain);
        looking.put("authUser", pg.superuser());
        looking.put("authPassword", pg.superuserPassword());
        GatewayClient.putDatabase("aq_toggle", looking);
        try {
            assertEquals(SCRAM_ROLE, currentUser("aq_toggle", SCRAM_ROLE, SCRAM_PASSWORD));
            // Another lookup: what the user's client proved is not carried over; its next client proves itself again.
            looking.put("authQuery", "SELECT rolname, rolpassword FROM pg_authid WHERE rolname = $1 AND rolcanlogin");
            GatewayClient.putDatabase("aq_toggle", looking);
            GatewayClient.api().auth().oauth2(io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE)
                    .get("/api/v1/pools").then().statusCode(200)
                    .body("findAll { it.database == 'aq_toggle' }.user", not(hasItem(SCRAM_ROLE)));
            assertEquals(SCRAM_ROLE, currentUser("aq_toggle", SCRAM_ROLE, SCRAM_PASSWORD));
            GatewayClient.putDatabase("aq_toggle", plain);
            GatewayClient.api().auth().oauth2(io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE)
                    .get("/api/v1/pools").then().statusCode(200)
                    .body("findAll { it.database == 'aq_toggle' }.user", not(hasItem(SCRAM_ROLE)));
            SQLException unknown = assertThrows(SQLException.class,
                    () -> currentUser("aq_toggle", SCRAM_ROLE, SCRAM_PASSWORD));
            assertEquals("28P01", unknown.getSQLState(), unknown.toString());
        } finally {
            GatewayClient.deleteDatabase("aq_toggle");
        }
    }

    /**
     * Lookups run before a client proves anything: a flood of made-up names gets at most
     * {@value BackendUsers#MAX_IN_FLIGHT} lookups at once, and the logins beyond are refused at once with 53300
     * instead of queueing behind the two lookup connections; the others end as unknown users.
     */
    @Test
    void aFloodOfMadeUpNamesIsRefusedOnceTooManyLookupsRun() throws Exception {
        java.util.Map<String, Object> slow = new java.util.HashMap<>(Map.of("host", pg.host(), "port", pg.port(),
                "dbname", pg.database(), "authUser", pg.superuser(), "authPassword", pg.superuserPassword()));
        slow.put("authQuery", "SELECT $1::text, (SELECT NULL::text FROM pg_sleep(0.3))");
        GatewayClient.putDatabase("aq_slow", slow);
        int clients = BackendUsers.MAX_IN_FLIGHT + 16;
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(clients);
        try {
            List<java.util.concurrent.Future<String>> outcomes = new java.util.ArrayList<>();
            for (int i = 0; i < clients; i++) {
                String name = "aq_flood_" + i;
                outcomes.add(threads.submit(() -> {
                    try {
                        currentUser("aq_slow", name, "guess");
                        return "ok";
                    } catch (SQLException e) {
                        return e.getSQLState();
                    }
                }));
            }
            java.util.Set<String> states = new java.util.HashSet<>();
            for (java.util.concurrent.Future<String> outcome : outcomes) {
                states.add(outcome.get(120, java.util.concurrent.TimeUnit.SECONDS));
            }
            assertTrue(states.contains("53300"), "some were refused at once: " + states);
            assertTrue(states.contains("28P01"), "the others ended as unknown users: " + states);
            assertTrue(!states.contains("ok"), states.toString());
        } finally {
            threads.shutdownNow();
            GatewayClient.deleteDatabase("aq_slow");
        }
    }

    /**
     * The lookup's own fields have their effect or a 400: authDbname is where the query runs, a kept authPassword
     * stays only while authUser stays, and lookup fields without authUser are refused.
     */
    @Test
    void authDbnameAndTheKeptAuthPasswordHaveTheirEffect() throws SQLException {
        java.util.Map<String, Object> body = new java.util.HashMap<>(Map.of("host", pg.host(), "port", pg.port(),
                "dbname", pg.database(), "authUser", pg.superuser(), "authPassword", pg.superuserPassword(),
                "authDbname", "postgres",
                // A verifier only when the lookup runs in the database authDbname names.
                "authQuery", "SELECT rolname, CASE WHEN current_database() = 'postgres' THEN rolpassword END "
                        + "FROM pg_authid WHERE rolname = $1"));
        GatewayClient.putDatabase("aq_fields", body);
        try {
            assertEquals(SCRAM_ROLE, currentUser("aq_fields", SCRAM_ROLE, SCRAM_PASSWORD));
            body.remove("authPassword"); // kept: same addresses, same authUser
            body.put("poolSize", 3);
            GatewayClient.putDatabase("aq_fields", body);
            assertEquals(SCRAM_ROLE, currentUser("aq_fields", SCRAM_ROLE, SCRAM_PASSWORD));
            var admin = GatewayClient.api().auth().oauth2(io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE)
                    .contentType(io.restassured.http.ContentType.JSON);
            body.put("authUser", LOOKUP_ROLE);
            admin.body(body).put("/api/v1/databases/aq_fields").then().statusCode(400)
                    .body("detail", org.hamcrest.Matchers.containsString("authPassword is required"));
            java.util.Map<String, Object> noUser = new java.util.HashMap<>(body);
            noUser.remove("authUser");
            noUser.put("user", pg.scramUser());
            GatewayClient.api().auth().oauth2(io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE)
                    .contentType(io.restassured.http.ContentType.JSON).body(noUser)
                    .put("/api/v1/databases/aq_fields").then().statusCode(400)
                    .body("detail", org.hamcrest.Matchers.containsString("need authUser"));
        } finally {
            GatewayClient.deleteDatabase("aq_fields");
        }
    }
}
