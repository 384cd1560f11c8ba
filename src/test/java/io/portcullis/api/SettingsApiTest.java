package io.portcullis.api;

import io.portcullis.config.RuntimeSettings;
import io.portcullis.config.ConfigStore;
import io.portcullis.config.LiveSettings;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.portcullis.api.ApiTestSupport.as;
import static io.portcullis.api.ApiTestSupport.asAdmin;
import static io.portcullis.api.DatabasesApiTest.problem;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /api/v1/settings}: overrides over the property defaults, ETags, validation, roles, live effect. */
@QuarkusTest
@WithTestResource(value = FreshDataDir.class, scope = TestResourceScope.MATCHING_RESOURCES)
class SettingsApiTest {

    @Inject
    ConfigStore store;
    @Inject
    LiveSettings live;

    @AfterEach
    void backToDefaults() {
        asAdmin().body("{}").put("/api/v1/settings").then().statusCode(200);
    }

    @Test
    void showsDefaultsThenStoresOverridesThatApplyAtOnce() {
        Response before = asAdmin().get("/api/v1/settings");
        before.then().statusCode(200)
                .body("queryTimeout", nullValue())
                .body("maxClientConnections", nullValue())
                .body("defaults.queryWaitTimeout", equalTo("120s"))
                .body("defaults.serverLifetime", equalTo("3600s"))
                .body("defaults.clientLoginTimeout", equalTo("60s"))
                .body("defaults.serverCheckDelay", equalTo("30s"))
                .body("defaults.serverCheckQuery", equalTo(""))
                .body("defaults.queryTimeout", equalTo("0s"))
                .body("defaults.maxClientConnections", equalTo(0))
                .body("effective.queryWaitTimeout", equalTo("120s"));
        assertEquals("\"" + store.current().version() + "\"", before.header("ETag"));

        Response changed = asAdmin().header("If-Match", before.header("ETag"))
                .body("{\"queryTimeout\":\"PT1M30S\",\"queryWaitTimeout\":\"1500ms\",\"serverCheckQuery\":\"SELECT 1\","
                        + "\"maxClientConnections\":250}")
                .put("/api/v1/settings");
        changed.then().statusCode(200)
                .body("queryTimeout", equalTo("90s"))
                .body("queryWaitTimeout", equalTo("1500ms"))
                .body("serverCheckQuery", equalTo("SELECT 1"))
                .body("maxClientConnections", equalTo(250))
                .body("serverLifetime", nullValue())
                .body("effective.queryTimeout", equalTo("90s"))
                .body("effective.serverLifetime", equalTo("3600s"))
                .body("defaults.queryTimeout", equalTo("0s"));
        assertNotEquals(before.header("ETag"), changed.header("ETag"));
        assertEquals(Duration.ofSeconds(90), live.current().get(RuntimeSettings.QUERY_TIMEOUT), "in force without a restart");
        assertEquals(250, live.current().get(RuntimeSettings.MAX_CLIENT_CONNECTIONS));

        // Read, change one, send back without the read-only parts: the others stay. Sent back with them, the
        // write is refused naming the field, so nobody believes an "effective" value they sent took effect.
        Response read = asAdmin().get("/api/v1/settings");
        java.util.Map<String, Object> overrides = new java.util.LinkedHashMap<>(read.jsonPath().getMap(""));
        overrides.put("queryWaitTimeout", "2s");
        problem(asAdmin().header("If-Match", read.header("ETag")).body(overrides).put("/api/v1/settings"), 400,
                "effective is read-only");
        overrides.remove("effective");
        problem(asAdmin().header("If-Match", read.header("ETag")).body(overrides).put("/api/v1/settings"), 400,
                "defaults is read-only");
        overrides.remove("defaults");
        asAdmin().header("If-Match", read.header("ETag")).body(overrides).put("/api/v1/settings").then().statusCode(200)
                .body("queryWaitTimeout", equalTo("2s")).body("queryTimeout", equalTo("90s"));

        // {} returns everything to the properties.
        asAdmin().body("{}").put("/api/v1/settings").then().statusCode(200)
                .body("queryTimeout", nullValue()).body("effective.queryTimeout", equalTo("0s"));
        assertEquals(live.defaults(), live.current());
    }

    @Test
    void aStaleIfMatchIsRefusedAndNothingChanges() {
        String etag = asAdmin().get("/api/v1/settings").header("ETag");
        asAdmin().body("{\"clientIdleTimeout\":\"10m\"}").put("/api/v1/settings").then().statusCode(200);
        problem(asAdmin().header("If-Match", etag).body("{\"clientIdleTimeout\":\"1s\"}").put("/api/v1/settings"),
                412, "does not match");
        assertEquals(Duration.ofMinutes(10), live.current().get(RuntimeSettings.CLIENT_IDLE_TIMEOUT));
    }

    @Test
    void badValuesAreProblemsNamingTheField() {
        problem(asAdmin().body("{\"queryTimeout\":\"soon\"}").put("/api/v1/settings"), 400, "queryTimeout must be a duration");
        problem(asAdmin().body("{\"queryTimeout\":\"1d2h\"}").put("/api/v1/settings"), 400, "\"30s\"");
        problem(asAdmin().body("{\"serverConnectTimeout\":\"0s\"}").put("/api/v1/settings"), 400,
                "serverConnectTimeout must be more than 0");
        problem(asAdmin().body("{\"serverLifetime\":\"31d\"}").put("/api/v1/settings"), 400, "serverLifetime must be at most 30d");
        problem(asAdmin().body("{\"maxClientConnections\":-1}").put("/api/v1/settings"), 400, "maxClientConnections");
        problem(asAdmin().body("{\"maxClientConnections\":\"10\"}").put("/api/v1/settings"), 400, "maxClientConnections");
        problem(asAdmin().body("{\"queryTimeout\":30}").put("/api/v1/settings"), 400, "queryTimeout");
        problem(asAdmin().body("{\"poolSize\":3}").put("/api/v1/settings"), 400, "unknown field 'poolSize'");
        asAdmin().get("/api/v1/settings").then().body("queryTimeout", nullValue()).body("serverConnectTimeout", nullValue());
    }

    /** As in pgbouncer.ini and Quarkus's properties (one duration converter for all three): a bare number is seconds. */
    @Test
    void aBareNumberIsSeconds() {
        asAdmin().body("{\"queryTimeout\":\"30\",\"serverIdleTimeout\":\"0.5s\"}").put("/api/v1/settings").then()
                .statusCode(200).body("queryTimeout", equalTo("30s")).body("serverIdleTimeout", equalTo("500ms"));
        assertEquals(Duration.ofSeconds(30), live.current().get(RuntimeSettings.QUERY_TIMEOUT));
    }

    @Test
    void viewersReadAdminsWrite() {
        String viewer = asAdmin().body("{\"name\":\"settings-viewer\",\"role\":\"viewer\"}").post("/api/v1/tokens")
                .then().statusCode(201).extract().path("token");
        as(viewer).get("/api/v1/settings").then().statusCode(200).body("defaults.queryWaitTimeout", equalTo("120s"));
        problem(as(viewer).body("{\"queryTimeout\":\"1s\"}").put("/api/v1/settings"), 403, "may only read");
        problem(io.restassured.RestAssured.given().get("/api/v1/settings"), 401, "Bearer");
    }

    @Test
    void writesAnAuditLineNamingTheSettingsNotTheirValues() {
        Queue<String> lines = new ConcurrentLinkedQueue<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                String message = record instanceof org.jboss.logmanager.ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
                lines.add(message);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger audit = Logger.getLogger(Audit.CATEGORY);
        audit.addHandler(capture);
        try {
            asAdmin().body("{\"serverCheckQuery\":\"SELECT 'audit-probe'\",\"queryTimeout\":\"77s\"}")
                    .put("/api/v1/settings").then().statusCode(200);
        } finally {
            audit.removeHandler(capture);
        }
        String all = String.join("\n", lines);
        assertTrue(all.contains("replaced the settings (overridden: serverCheckQuery, queryTimeout)"), all);
        assertFalse(all.contains("audit-probe") || all.contains("77s"), "no values in the audit log: " + all);
    }
}
