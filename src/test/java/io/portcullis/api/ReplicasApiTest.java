package io.portcullis.api;

import io.portcullis.testing.GatewayClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /api/v1/replicas} and the cluster metrics with the file store: the registry is this process alone,
 * and the version it reports as applied follows every change.
 */
@QuarkusTest
class ReplicasApiTest {

    @Test
    void listsThisReplicaWithTheVersionItApplied() {
        GatewayClient.putUser("replicas_api_user", Map.of("password", "replicas-api-pass"));
        long version = metric("portcullis_config_version");
        assertEquals(version, metric("portcullis_config_version_applied"), "the change is applied");
        assertEquals(1, metric("portcullis_config_store_up"));
        assertEquals(1, metric("portcullis_replicas"));

        Response response = GatewayClient.api().auth().oauth2(ADMIN_TOKEN_VALUE).get("/api/v1/replicas");
        response.then().statusCode(200).contentType(ContentType.JSON);
        List<Map<String, Object>> replicas = response.jsonPath().getList("$");
        assertEquals(1, replicas.size(), replicas.toString());
        Map<String, Object> self = replicas.get(0);
        assertEquals(true, self.get("self"));
        assertEquals(true, self.get("live"));
        assertEquals(true, self.get("ready"));
        assertEquals(1, self.get("peerId"));
        assertEquals(null, self.get("address"));
        assertEquals(version, ((Number) self.get("configVersion")).longValue());
        assertNotNull(self.get("name"));
        assertTrue(!String.valueOf(self.get("version")).isBlank());
        assertTrue(Instant.parse((String) self.get("startedAt")).isBefore(Instant.parse((String) self.get("lastHeartbeat"))));
        assertEquals(Set.of("name", "peerId", "address", "version", "configVersion", "startedAt", "lastHeartbeat",
                "ready", "live", "self"), self.keySet());
    }

    @Test
    void needsAToken() {
        GatewayClient.api().get("/api/v1/replicas").then().statusCode(401);
    }

    private static long metric(String name) {
        String text = RestAssured.given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*})? ([0-9.E+-]+)$").matcher(text);
        assertTrue(m.find(), name + " in /q/metrics");
        return (long) Double.parseDouble(m.group(1));
    }
}
