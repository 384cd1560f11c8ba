package io.portcullis.migrate;

import io.portcullis.auth.AuthSettings;
import io.portcullis.auth.PasswordVerifiers;
import io.portcullis.config.ConfigStore;
import io.portcullis.testing.Backends;
import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.QuestDbServer;
import io.portcullis.testing.TestPki;
import io.portcullis.testing.TestSettings;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /api/v1/import/pgbouncer} against the running gateway and a real QuestDB: what it
 * creates logs in through the gateway (and only what PgBouncer would have let in), the settings and
 * limits it imports are in force, a dry run stores nothing, what it cannot map is reported, and no
 * secret comes back.
 */
@QuarkusTest
class PgBouncerImportTest {

    private static final String PLAIN_SECRET = "imp-plain-secret";
    private static final String MD5_SECRET = "imp-md5-secret";
    private static final String SCRAM_SECRET = "imp-scram-secret";

    @Inject
    AuthSettings auth;
    @Inject
    ConfigStore store;

    private static io.restassured.specification.RequestSpecification admin() {
        return GatewayClient.api().auth().oauth2(ADMIN_TOKEN_VALUE).contentType(ContentType.JSON);
    }

    private static String fixture(String path) throws IOException {
        try (InputStream in = PgBouncerImportTest.class.getResourceAsStream("/pgbouncer/" + path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The ini pointed at the test QuestDB; the QuestDB guide's file uses 127.0.0.1:8812. */
    private static String atTestQuestDb(String ini) {
        QuestDbServer questdb = Backends.questdb();
        return ini.replace("host=127.0.0.1 port=8812", "host=" + questdb.host() + " port=" + questdb.pgPort());
    }

    private static void selectOne(String database, String user, String password) throws SQLException {
        try (Connection c = GatewayClient.connect(database, user, password); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
            assertEquals(1, rs.getInt(1));
        }
    }

    @Test
    void theQuestDbGuidesFilesGiveAWorkingSetup() throws Exception {
        Response response = admin().body(Map.of("ini", atTestQuestDb(fixture("questdb-guide/pgbouncer.ini")),
                "userlist", fixture("questdb-guide/userlist.txt"))).post("/api/v1/import/pgbouncer");
        response.then().statusCode(200)
                .header("ETag", equalTo("\"" + store.current().version() + "\""))
                .body("dryRun", equalTo(false))
                .body("tlsSettings.mode", equalTo("require"))
                .body("tlsSettings.applied", equalTo(false))
                .body("unmapped.key", hasItems("auth_type", "logfile", "pidfile", "listen_port"));
        List<String> databases = response.jsonPath().getList("created.databases");
        databases.addAll(response.jsonPath().getList("updated.databases"));
        assertEquals(List.of("questdb"), databases);
        selectOne("questdb", "admin", "quest");
    }

    /**
     * Issue 20 item 6: QuestDB's TLS guide (docker compose), verbatim but for its host: the database line has no
     * user=, so the database is created waiting for its credentials, refuses logins with 57P03 until a PUT gives them,
     * and a later re-import leaves it in service. The guide's placeholder userlist imports no one; its recipe
     * (md5 of password and user name) does.
     */
    @Test
    void theQuestDbTlsGuideMakesADatabaseThatWaitsForItsCredentials() throws Exception {
        QuestDbServer questdb = Backends.questdb();
        admin().delete("/api/v1/databases/questdb"); // another test may have made it; this one starts without it
        String ini = fixture("questdb-tls-guide/pgbouncer.ini").replace("host=questdb port=8812",
                "host=" + questdb.host() + " port=" + questdb.pgPort());
        Response report = admin().body(Map.of("ini", ini, "userlist", fixture("questdb-tls-guide/userlist.txt")))
                .post("/api/v1/import/pgbouncer");
        report.then().statusCode(200)
                .body("created.databases", equalTo(List.of("questdb")))
                .body("created.users", equalTo(List.of()))
                .body("disabled[0].database", equalTo("questdb"))
                .body("disabled[0].reason", containsString("imported from pgbouncer.ini line 2 without user="))
                .body("settings.maxClientConnections", equalTo(1000))
                .body("unmapped.key", equalTo(List.of("listen_addr", "listen_port", "logfile", "pidfile",
                        "admin_users", "admin", "readonly")));
        String reason = report.jsonPath().getString("disabled[0].reason");
        admin().get("/api/v1/databases/questdb").then().statusCode(200)
                .body("disabledReason", equalTo(reason))
                .body("user", equalTo(null))
                .body("passwordSet", equalTo(false))
                .body("poolSize", equalTo(25));
        GatewayClient.api().get("/q/health/group/backends").then().body("checks[0].data.questdb", equalTo("disabled"));

        String guideRecipe = "\"admin\" \"" + PasswordVerifiers.md5("admin", "quest") + "\"\n";
        admin().body(Map.of("ini", ini, "userlist", guideRecipe)).post("/api/v1/import/pgbouncer").then()
                .statusCode(200).body("disabled[0].database", equalTo("questdb"));
        SQLException waiting = assertThrows(SQLException.class, () -> selectOne("questdb", "admin", "quest"));
        assertEquals("57P03", waiting.getSQLState(), waiting.toString());
        assertTrue(waiting.getMessage().contains("waits for its backend credentials"), waiting.getMessage());
        assertFalse(waiting.getMessage().contains("pgbouncer.ini"), "the stored reason is for administrators");

        Map<String, Object> credentials = Map.of("host", questdb.host(), "port", questdb.pgPort(), "user",
                questdb.user(), "password", questdb.password(), "poolSize", 25);
        Map<String, Object> withReason = new java.util.HashMap<>(credentials);
        withReason.put("disabledReason", "none");
        admin().body(withReason).put("/api/v1/databases/questdb").then().statusCode(400)
                .body("detail", containsString("disabledReason is read-only"));
        admin().body(credentials).put("/api/v1/databases/questdb").then().statusCode(200);
        admin().get("/api/v1/databases/questdb").then().body("disabledReason", equalTo(null))
                .body("user", equalTo(questdb.user()));
        selectOne("questdb", "admin", "quest");

        admin().body(Map.of("ini", ini, "userlist", guideRecipe)).post("/api/v1/import/pgbouncer").then()
                .statusCode(200).body("updated.databases", equalTo(List.of("questdb")))
                .body("disabled", equalTo(List.of()));
        selectOne("questdb", "admin", "quest");
    }

    @Test
    void importedPlainMd5AndScramUsersLogInThroughTheGateway() throws Exception {
        QuestDbServer questdb = Backends.questdb();
        String ini = """
                [databases]
                imported_qdb = host=%s port=%d user=%s password=%s pool_size=4 pool_mode=session
                [pgbouncer]
                auth_type = md5
                server_reset_query = DISCARD ALL
                """.formatted(questdb.host(), questdb.pgPort(), questdb.user(), questdb.password());
        String md5Hash = PasswordVerifiers.md5("imp_md5", MD5_SECRET);
        String userlist = "\"imp_plain\" \"" + PLAIN_SECRET + "\"\n"
                + "\"imp_md5\" \"" + md5Hash + "\"\n"
                + "\"imp_scram\" \"" + PasswordVerifiers.scramSha256(SCRAM_SECRET) + "\"\n";
        Response response = admin().body(Map.of("ini", ini, "userlist", userlist)).post("/api/v1/import/pgbouncer");
        response.then().statusCode(200)
                .body("created.databases", hasItem("imported_qdb"))
                .body("created.users", hasItems("imp_plain", "imp_md5", "imp_scram"))
                .body("unmapped[0].line", equalTo(4))
                .body("unmapped[0].key", equalTo("auth_type"))
                .body("unmapped[0].reason", containsString("(imp_plain) are imported as SCRAM-SHA-256 users"))
                .body("unmapped[1].file", equalTo("pgbouncer.ini"))
                .body("unmapped[1].line", equalTo(5))
                .body("unmapped[1].key", equalTo("server_reset_query"))
                .body("unmapped[1].value", equalTo("DISCARD ALL"))
                .body("unmapped[1].reason", containsString("resets server connections"));
        String body = response.asString();
        for (String secret : List.of(PLAIN_SECRET, MD5_SECRET, SCRAM_SECRET, "SCRAM-SHA-256$", md5Hash, "password=")) {
            assertFalse(body.contains(secret), "the report must not echo " + secret + ": " + body);
        }
        GatewayClient.api().auth().oauth2(ADMIN_TOKEN_VALUE).get("/api/v1/users/imp_md5")
                .then().statusCode(200).body("auth", equalTo("md5"));
        GatewayClient.api().auth().oauth2(ADMIN_TOKEN_VALUE).get("/api/v1/databases/imported_qdb")
                .then().statusCode(200).body("poolSize", equalTo(4)).body("passwordSet", equalTo(true));
        assertTrue(store.current().user("imp_plain").orElseThrow().scramVerifier()
                        .startsWith("SCRAM-SHA-256$" + auth.scramIterations() + ":"),
                "a clear-text userlist password becomes a verifier of portcullis.auth.scram-iterations");
        selectOne("imported_qdb", "imp_plain", PLAIN_SECRET);
        selectOne("imported_qdb", "imp_md5", MD5_SECRET);
        selectOne("imported_qdb", "imp_scram", SCRAM_SECRET);
    }

    @Test
    void withScramSha256AnMd5UserIsNotImportedSinceItCouldNotLogInToPgBouncer() throws Exception {
        QuestDbServer questdb = Backends.questdb();
        String ini = """
                [databases]
                scram_only_qdb = host=%s port=%d user=%s password=%s
                [pgbouncer]
                auth_type = scram-sha-256
                """.formatted(questdb.host(), questdb.pgPort(), questdb.user(), questdb.password());
        String userlist = "\"scram_only_plain\" \"" + PLAIN_SECRET + "\"\n"
                + "\"scram_only_md5\" \"" + PasswordVerifiers.md5("scram_only_md5", MD5_SECRET) + "\"\n";
        admin().body(Map.of("ini", ini, "userlist", userlist)).post("/api/v1/import/pgbouncer")
                .then().statusCode(200)
                .body("created.users", equalTo(List.of("scram_only_plain")))
                .body("unmapped[0].file", equalTo("userlist.txt"))
                .body("unmapped[0].line", equalTo(2))
                .body("unmapped[0].key", equalTo("scram_only_md5"))
                .body("unmapped[0].reason", containsString("PgBouncer refuses with auth_type = scram-sha-256"));
        selectOne("scram_only_qdb", "scram_only_plain", PLAIN_SECRET);
        SQLException refused = assertThrows(SQLException.class, () -> selectOne("scram_only_qdb", "scram_only_md5", MD5_SECRET));
        assertEquals("28P01", refused.getSQLState(), refused.toString());
    }

    @Test
    void settingsAndUserLimitsOfTheFilesTakeEffect() throws Exception {
        QuestDbServer questdb = Backends.questdb();
        String ini = """
                [databases]
                limited_qdb = host=%s port=%d user=%s password=%s
                [users]
                limited_user = max_user_client_connections=1
                [pgbouncer]
                auth_type = scram-sha-256
                max_client_conn = 4321
                query_wait_timeout = 75
                """.formatted(questdb.host(), questdb.pgPort(), questdb.user(), questdb.password());
        try {
            admin().body(Map.of("ini", ini, "userlist", "\"limited_user\" \"" + PLAIN_SECRET + "\"\n"))
                    .post("/api/v1/import/pgbouncer")
                    .then().statusCode(200)
                    .body("settings.maxClientConnections", equalTo(4321))
                    .body("settings.queryWaitTimeout", equalTo("75s"))
                    .body("unmapped", equalTo(List.of()));
            admin().get("/api/v1/settings").then().statusCode(200)
                    .body("maxClientConnections", equalTo(4321))
                    .body("effective.maxClientConnections", equalTo(4321))
                    .body("effective.queryWaitTimeout", equalTo("75s"));
            try (Connection first = GatewayClient.connect("limited_qdb", "limited_user", PLAIN_SECRET)) {
                SQLException second = assertThrows(SQLException.class,
                        () -> GatewayClient.connect("limited_qdb", "limited_user", PLAIN_SECRET).close());
                assertEquals("53300", second.getSQLState(), "max_user_client_connections=1: " + second);
                assertTrue(first.isValid(2));
            }
        } finally {
            TestSettings.reset();
        }
    }

    @Test
    void anAuthFileWhoseContentIsNotSentIsReported() {
        admin().body(Map.of("ini", "[pgbouncer]\nauth_file = /etc/pgbouncer/userlist.txt\n", "dryRun", true))
                .post("/api/v1/import/pgbouncer")
                .then().statusCode(200)
                .body("created.users", equalTo(List.of()))
                .body("unmapped[0].key", equalTo("auth_file"))
                .body("unmapped[0].reason", equalTo("the content of /etc/pgbouncer/userlist.txt was not sent "
                        + "(\"userlist\"), and the API does not read files on the server; no users were imported"));
    }

    @Test
    void aDryRunReportsAndStoresNothing() {
        long before = store.current().version();
        admin().body(Map.of("ini", "[databases]\ndry_db = host=h.internal user=u password=p\n",
                        "userlist", "\"dry_user\" \"dry-secret\"\n", "dryRun", true))
                .post("/api/v1/import/pgbouncer")
                .then().statusCode(200)
                .header("ETag", equalTo("\"" + before + "\""))
                .body("dryRun", equalTo(true))
                .body("version", equalTo((int) before))
                .body("created.databases", hasItem("dry_db"))
                .body("created.users", hasItem("dry_user"));
        assertEquals(before, store.current().version());
        assertFalse(store.current().database("dry_db").isPresent());
        assertFalse(store.current().user("dry_user").isPresent());
    }

    @Test
    void aStaleIfMatchIs412AndStoresNothing() {
        long before = store.current().version();
        admin().header("If-Match", "\"" + (before - 1) + "\"")
                .body(Map.of("ini", "[databases]\nstale_db = host=h.internal user=u password=p\n"))
                .post("/api/v1/import/pgbouncer")
                .then().statusCode(412).contentType("application/problem+json");
        assertEquals(before, store.current().version());
        assertFalse(store.current().database("stale_db").isPresent());
        admin().header("If-Match", "\"" + before + "\"")
                .body(Map.of("ini", "[databases]\nfresh_db = host=h.internal user=u password=p\n"))
                .post("/api/v1/import/pgbouncer")
                .then().statusCode(200).header("ETag", equalTo("\"" + (before + 1) + "\""));
        assertTrue(store.current().database("fresh_db").isPresent());
    }

    @Test
    void aFilePgBouncerCouldNotLoadIsAProblemNamingTheLine() {
        long before = store.current().version();
        admin().body(Map.of("ini", "[databases]\nbroken = host=h password='hunter2\n"))
                .post("/api/v1/import/pgbouncer")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", equalTo("pgbouncer.ini line 2: database 'broken': the value of 'password' needs a closing quote"));
        admin().body(Map.of("ini", "[databases]\n", "userlist", "\"ok\" \"x\"\n# not a comment\n"))
                .post("/api/v1/import/pgbouncer")
                .then().statusCode(400)
                .body("detail", containsString("userlist.txt line 2"));
        admin().body(Map.of("ini", "%include dbs.ini\n", "includes", Map.of("other.ini", "")))
                .post("/api/v1/import/pgbouncer")
                .then().statusCode(400)
                .body("detail", equalTo("pgbouncer.ini line 1: %include dbs.ini: the file is not available"));
        admin().body(Map.of("userlist", "")).post("/api/v1/import/pgbouncer")
                .then().statusCode(400).body("detail", containsString("ini is required"));
        assertEquals(before, store.current().version());
    }

    /** Files named by %include and by server_tls_*_file come from includes; only a file nothing names is unused. */
    @Test
    void includesAreTakenFromTheRequest() throws Exception {
        String ini = "[databases]\n%include conf.d/dbs.ini\n[pgbouncer]\nserver_tls_sslmode = verify-ca\n"
                + "server_tls_ca_file = /etc/pgbouncer/backend-ca.crt\n";
        admin().body(Map.of("ini", ini,
                        "includes", Map.of("conf.d/dbs.ini", "inc_db = host=h.internal user=u\n", "spare.ini", "",
                                "/etc/pgbouncer/backend-ca.crt", TestPki.ca("Import CA").certificatePem()),
                        "dryRun", true))
                .post("/api/v1/import/pgbouncer")
                .then().statusCode(200)
                .body("created.databases", hasItem("inc_db"))
                .body("tlsSettings.serverTls", equalTo("verify-ca"))
                .body("unmapped.size()", equalTo(2))
                .body("unmapped[0].file", equalTo("conf.d/dbs.ini"))
                .body("unmapped[0].key", equalTo("password"))
                .body("unmapped[1].file", equalTo("spare.ini"))
                .body("unmapped[1].line", equalTo(0))
                .body("unmapped[1].reason", containsString("no %include line and no server_tls_*_file setting names it"));
    }

    /** A JSON null as an include's content is the caller's mistake: a 400 naming the entry, not a 500. */
    @Test
    void anIncludeWithoutContentIsAProblemNamingIt() {
        long before = store.current().version();
        admin().body("{\"ini\": \"[databases]\\n%include conf.d/a.ini\\n\", \"includes\": {\"conf.d/a.ini\": null}}")
                .post("/api/v1/import/pgbouncer")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("includes: the entry 'conf.d/a.ini' is null"));
        assertEquals(before, store.current().version());
    }

    /** Seven small files each including the next ten times would expand to a million lines: refused, naming the limit. */
    @Test
    void includesThatFanOutAreRefusedNamingTheLimit() {
        long before = store.current().version();
        Map<String, String> includes = new java.util.HashMap<>();
        for (int level = 0; level < 6; level++) {
            includes.put("f" + level + ".ini", ("%include f" + (level + 1) + ".ini\n").repeat(10));
        }
        includes.put("f6.ini", "fan_db = host=h.internal user=u\n");
        admin().body(Map.of("ini", "[databases]\n%include f0.ini\n", "includes", includes))
                .post("/api/v1/import/pgbouncer")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("more than " + io.portcullis.migrate.IniParser.MAX_EXPANDED_LINES + " lines in all"));
        assertEquals(before, store.current().version());
    }

    @Test
    void anonymousCallersAreRefused() {
        GatewayClient.api().contentType(ContentType.JSON).body(Map.of("ini", ""))
                .post("/api/v1/import/pgbouncer").then().statusCode(401);
    }
}
