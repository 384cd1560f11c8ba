package io.portcullis.proxy;

import io.portcullis.testing.Backends;
import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.PostgresServer;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * SNI routing (issue 19 item 4): psql with {@code host=<name> hostaddr=127.0.0.1} sends the name as SNI, and a
 * database listing it gets the client whatever database it named; without SNI (an address as host) the database
 * name routes as before; the user must still be allowed the database the name routes to. Two databases on the
 * real PostgreSQL, logging in as different backend users, tell the routes apart by {@code current_user}.
 */
@QuarkusTest
class SniRoutingTest {

    static final String ANALYTICS = "sni_analytics";
    static final String OTHER = "sni_other";
    static final String USER = "sni_client";
    static final String LIMITED = "sni_limited";
    static final String PASSWORD = "sni-client-pass";
    private static PostgresServer pg;

    @BeforeAll
    static void configure() {
        pg = Backends.postgres();
        GatewayClient.putDatabase(ANALYTICS, Map.of("host", pg.host(), "port", pg.port(), "dbname", pg.database(),
                "user", pg.scramUser(), "password", pg.scramPassword(), "poolSize", 1,
                "sniHostnames", List.of("Analytics.Example.Test")));
        GatewayClient.putDatabase(OTHER, Map.of("host", pg.host(), "port", pg.port(), "dbname", pg.database(),
                "user", pg.md5User(), "password", pg.md5Password(), "poolSize", 1,
                "sniHostnames", List.of("other.example.test")));
        GatewayClient.putUser(USER, Map.of("password", PASSWORD));
        GatewayClient.putUser(LIMITED, Map.of("password", PASSWORD, "databases", List.of(OTHER)));
    }

    @Test
    void theServerNameRoutesWhateverDatabaseTheClientNamed() throws Exception {
        assertEquals(pg.scramUser(), psql("analytics.example.test", OTHER, USER), "SNI wins over the database name");
        assertEquals(pg.md5User(), psql("other.example.test", ANALYTICS, USER));
        assertEquals(pg.md5User(), psql(null, OTHER, USER), "without SNI the name routes");
        assertEquals(pg.scramUser(), psql(null, ANALYTICS, USER));
        assertEquals(pg.md5User(), psql("unlisted.example.test", OTHER, USER), "an unlisted name routes by database name");
        GatewayClient.api().auth().oauth2(ADMIN_TOKEN_VALUE).get("/api/v1/databases/" + ANALYTICS).then().statusCode(200)
                .body("sniHostnames", equalTo(List.of("analytics.example.test")));
        String metrics = GatewayClient.api().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String route : List.of("database", "unlisted", "none")) {
            assertTrue(metrics.contains("portcullis_client_sni_total{route=\"" + route + "\"}"), route + " in " + metrics);
        }
        assertFalse(metrics.contains("example.test"), "no client-chosen name becomes a label");
    }

    @Test
    void theUserMustBeAllowedTheDatabaseTheNameRoutesTo() throws Exception {
        assertEquals(pg.md5User(), psql("other.example.test", "whatever", LIMITED));
        String refused = psql("analytics.example.test", OTHER, LIMITED);
        assertTrue(refused.contains("not allowed to connect to database \"" + ANALYTICS + "\""), refused);
    }

    @Test
    void namesThatAreNoHostNamesOrListedTwiceAreRefused() {
        for (Object names : List.of(List.of("10.0.0.5"), List.of("bad_name.example"), List.of("trailing.dot."),
                List.of("other.example.test"))) {
            GatewayClient.api().auth().oauth2(ADMIN_TOKEN_VALUE).contentType("application/json")
                    .body(Map.of("host", pg.host(), "port", pg.port(), "user", "x", "sniHostnames", names))
                    .put("/api/v1/databases/sni_refused").then().statusCode(400)
                    .body("detail", containsString("sniHostnames"));
        }
    }

    /** {@code SELECT current_user} through psql, SNI set by {@code host} (null: an address, no SNI); the error otherwise. */
    private static String psql(String serverName, String database, String user) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/psql")), "psql not installed");
        String conninfo = (serverName == null ? "host=127.0.0.1" : "host=" + serverName + " hostaddr=127.0.0.1")
                + " port=" + GatewayClient.gatewayPort() + " dbname=" + database + " user=" + user
                + " sslmode=require sslsni=1 connect_timeout=10";
        ProcessBuilder builder = new ProcessBuilder(List.of("psql", conninfo, "-At", "-c", "SELECT current_user"))
                .redirectErrorStream(true);
        builder.environment().put("PGPASSWORD", PASSWORD);
        Process p = builder.start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    }
}
