package io.portcullis.api;

import io.portcullis.testing.Backends;
import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.QuestDbServer;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import static io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin console's data and controls over REST: {@code /api/v1/pools|clients|servers|stats}. */
@QuarkusTest
class RuntimeApiTest {

    static final String DB = "rt_db";
    static final String USER = "rt_user";
    static final String PASSWORD = "rt-user-pass";
    static String viewerToken;

    @BeforeAll
    static void configure() {
        QuestDbServer questdb = Backends.questdb();
        GatewayClient.putDatabase(DB, Map.of("host", questdb.host(), "port", questdb.pgPort(),
                "user", questdb.user(), "password", questdb.password(), "poolSize", 2));
        GatewayClient.putUser(USER, Map.of("password", PASSWORD));
        viewerToken = admin().contentType(ContentType.JSON).body("{\"name\":\"rt-viewer\",\"role\":\"viewer\"}")
                .post("/api/v1/tokens").then().statusCode(201).extract().path("token");
    }

    static RequestSpecification admin() {
        return GatewayClient.api().auth().oauth2(ADMIN_TOKEN_VALUE);
    }

    static RequestSpecification viewer() {
        return GatewayClient.api().auth().oauth2(viewerToken);
    }

    @Test
    void viewersReadPoolsClientsServersAndStats() throws Exception {
        try (Connection c = GatewayClient.connect(DB, USER, PASSWORD)) {
            assertTrue(c.isValid(5));
            int id = c.unwrap(PGConnection.class).getBackendPID();
            viewer().get("/api/v1/pools").then().statusCode(200).contentType(ContentType.JSON)
                    .body("find { it.database == '" + DB + "' }.poolMode", equalTo("session"))
                    .body("find { it.database == '" + DB + "' }.svActive", equalTo(1))
                    .body("find { it.database == '" + DB + "' }.clActive", greaterThanOrEqualTo(1))
                    .body("find { it.database == '" + DB + "' }.paused", equalTo(false));
            Response clients = viewer().get("/api/v1/clients");
            clients.then().statusCode(200)
                    .body("find { it.id == " + id + " }.database", equalTo(DB))
                    .body("find { it.id == " + id + " }.user", equalTo(USER))
                    .body("find { it.id == " + id + " }.state", equalTo("active"))
                    .body("find { it.id == " + id + " }.connectTime", notNullValue())
                    .body("find { it.id == " + id + " }.console", equalTo(false));
            long serverId = ((Number) clients.path("find { it.id == " + id + " }.serverId")).longValue();
            viewer().get("/api/v1/servers").then().statusCode(200)
                    .body("find { it.id == " + serverId + " }.database", equalTo(DB))
                    .body("find { it.id == " + serverId + " }.state", equalTo("active"))
                    .body("find { it.id == " + serverId + " }.clientId", equalTo(id))
                    .body("find { it.id == " + serverId + " }.remotePid", notNullValue());
            viewer().get("/api/v1/stats").then().statusCode(200)
                    .body("database", hasItem(DB))
                    .body("find { it.database == '" + DB + "' }.totals.serverAssignmentCount", greaterThanOrEqualTo(1))
                    .body("find { it.database == '" + DB + "' }.averages.queryTime", notNullValue());
        }
    }

    @Test
    void viewersMayNotAct() {
        for (String action : List.of("pause", "resume", "reconnect", "kill", "disable", "enable")) {
            viewer().post("/api/v1/pools/" + DB + "/" + action).then().statusCode(403)
                    .contentType("application/problem+json").body("detail", containsString("may only read"));
        }
        viewer().delete("/api/v1/clients/1").then().statusCode(403);
    }

    @Test
    void unknownDatabasesAndClientsAre404() {
        for (String action : List.of("pause", "resume", "reconnect", "kill", "disable", "enable")) {
            admin().post("/api/v1/pools/rt_nowhere/" + action).then().statusCode(404)
                    .contentType("application/problem+json").body("detail", containsString("rt_nowhere"));
        }
        admin().delete("/api/v1/clients/2147483647").then().statusCode(404)
                .contentType("application/problem+json").body("detail", containsString("client not found"));
    }

    /** The hold the store records for {@code DB}, read back from the data directory's document. */
    private static io.portcullis.config.PoolHold storedHold() throws Exception {
        java.nio.file.Path dataDir = java.nio.file.Path.of(org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("portcullis.data-dir", String.class));
        com.fasterxml.jackson.databind.JsonNode hold = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(java.nio.file.Files.readString(dataDir.resolve("config.json"))).at("/config/holds/" + DB);
        return hold.isMissingNode() ? io.portcullis.config.PoolHold.NONE
                : new io.portcullis.config.PoolHold(hold.path("paused").asBoolean(), hold.path("disabled").asBoolean());
    }

    @Test
    void pauseResumeDisableEnableAndKillThroughRest() throws Exception {
        admin().post("/api/v1/pools/" + DB + "/pause").then().statusCode(200).body("pool.paused", equalTo(true))
                .body("pool.svActive", equalTo(0)).body("pool.svIdle", equalTo(0))
                .body("replicas.size()", equalTo(1)).body("replicas[0].applied", equalTo(true))
                .body("replicas[0].self", equalTo(true));
        assertTrue(storedHold().paused(), "the pause is stored for every replica");
        admin().post("/api/v1/pools/" + DB + "/resume").then().statusCode(200).body("pool.paused", equalTo(false));
        assertFalse(storedHold().paused());
        admin().post("/api/v1/pools/" + DB + "/resume").then().statusCode(409)
                .contentType("application/problem+json").body("detail", containsString("not paused"));

        admin().post("/api/v1/pools/" + DB + "/disable").then().statusCode(200).body("pool.disabled", equalTo(true));
        assertTrue(storedHold().disabled(), "the disable is stored for every replica");
        SQLException refused = assertThrows(SQLException.class, () -> GatewayClient.connect(DB, USER, PASSWORD).close());
        assertEquals("57P03", refused.getSQLState());
        admin().post("/api/v1/pools/" + DB + "/enable").then().statusCode(200).body("pool.disabled", equalTo(false));
        assertEquals(io.portcullis.config.PoolHold.NONE, storedHold(), "nothing held: the entry is gone");

        try (Connection victim = GatewayClient.connect(DB, USER, PASSWORD)) {
            int id = victim.unwrap(PGConnection.class).getBackendPID();
            admin().delete("/api/v1/clients/" + id).then().statusCode(204);
            SQLException ended = assertThrows(SQLException.class, () -> {
                for (int i = 0; i < 50; i++) {
                    victim.createStatement().execute("SELECT 1");
                    Thread.sleep(20);
                }
            });
            assertTrue("57P01".equals(ended.getSQLState()) || String.valueOf(ended.getMessage()).contains("administrator"),
                    ended.toString());
        }
        try (Connection victim = GatewayClient.connect(DB, USER, PASSWORD)) {
            admin().post("/api/v1/pools/" + DB + "/kill").then().statusCode(200).body("pool.paused", equalTo(true))
                    .body("replicas[0].applied", equalTo(true));
            assertThrows(SQLException.class, () -> {
                for (int i = 0; i < 50; i++) {
                    victim.createStatement().execute("SELECT 1");
                    Thread.sleep(20);
                }
            });
        }
        admin().post("/api/v1/pools/" + DB + "/resume").then().statusCode(200);
        admin().post("/api/v1/pools/" + DB + "/reconnect").then().statusCode(200).body("pool.database", equalTo(DB));
        try (Connection again = GatewayClient.connect(DB, USER, PASSWORD)) {
            assertTrue(again.isValid(5));
        }
    }
}
