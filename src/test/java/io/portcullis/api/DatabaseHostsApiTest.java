package io.portcullis.api;

import io.portcullis.config.ConfigStore;
import io.portcullis.config.DatabaseConfig;
import io.portcullis.config.SecretBinding;
import io.portcullis.config.SecretBox;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.portcullis.api.ApiTestSupport.asAdmin;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code hosts}, {@code loadBalanceHosts} and {@code targetSessionAttrs} on {@code PUT/GET /api/v1/databases/{name}}. */
@QuarkusTest
class DatabaseHostsApiTest {

    private static final String PATH = "/api/v1/databases/hosts_api";

    @Inject
    ConfigStore store;
    @Inject
    SecretBox secrets;

    @AfterEach
    void delete() {
        asAdmin().delete(PATH);
    }

    private static Response put(String body) {
        return asAdmin().body(body).put(PATH);
    }

    private static void refused(String body, String detailPart) {
        put(body).then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString(detailPart));
    }

    @Test
    void storesAListShowsItAndAcceptsWhatItShowsBack() {
        Response created = put("{\"hosts\":[\"pg-a:5432\",\"pg-b\"],\"port\":5433,\"user\":\"app\",\"password\":\"pw\","
                + "\"loadBalanceHosts\":\"random\",\"targetSessionAttrs\":\"read-write\"}");
        created.then().statusCode(201)
                .body("host", equalTo("pg-a"))
                .body("port", equalTo(5432))
                .body("hosts", equalTo(List.of("pg-a:5432", "pg-b:5433")))
                .body("loadBalanceHosts", equalTo("random"))
                .body("targetSessionAttrs", equalTo("read-write"));
        DatabaseConfig stored = store.current().databases().get("hosts_api");
        assertEquals(List.of("pg-a:5432", "pg-b:5433"), stored.hosts());
        assertEquals("pw", secrets.open(stored.sealedPassword(), SecretBinding.backendPassword(stored)));

        // What a read shows (host, port and hosts together) is accepted back, and keeps the password.
        put("{\"host\":\"pg-a\",\"port\":5432,\"hosts\":[\"pg-a:5432\",\"pg-b:5433\"],\"user\":\"app\"}")
                .then().statusCode(200).body("passwordSet", equalTo(true))
                .body("loadBalanceHosts", equalTo("disable")).body("targetSessionAttrs", equalTo("any"));
        // Reordered: the same places, the password stays.
        put("{\"hosts\":[\"pg-b:5433\",\"pg-a:5432\"],\"user\":\"app\"}").then().statusCode(200)
                .body("host", equalTo("pg-b")).body("passwordSet", equalTo(true));
    }

    @Test
    void oneHostShowsAListOfOne() {
        put("{\"host\":\"pg-a\",\"port\":5432,\"user\":\"app\"}").then().statusCode(201)
                .body("hosts", equalTo(List.of("pg-a:5432")))
                .body("loadBalanceHosts", equalTo("disable"))
                .body("targetSessionAttrs", equalTo("any"));
        assertEquals(List.of(), store.current().databases().get("hosts_api").hosts());
        put("{\"hosts\":[\"pg-a:5432\"],\"user\":\"app\"}").then().statusCode(200).body("host", equalTo("pg-a"));
    }

    @Test
    void aHostAddedToTheListNeedsThePasswordAgain() {
        put("{\"hosts\":[\"pg-a:5432\",\"pg-b:5432\"],\"user\":\"app\",\"password\":\"pw\"}").then().statusCode(201);
        refused("{\"hosts\":[\"pg-a:5432\",\"evil:5432\"],\"user\":\"app\"}", "password is required");
        refused("{\"hosts\":[\"pg-a:5432\",\"pg-b:5432\",\"evil:5432\"],\"user\":\"app\"}", "password is required");
        refused("{\"host\":\"pg-a\",\"port\":5432,\"user\":\"app\"}", "password is required");
    }

    @Test
    void refusesInconsistentOrMalformedLists() {
        refused("{\"host\":\"pg-x\",\"port\":5432,\"hosts\":[\"pg-a:5432\",\"pg-b:5432\"],\"user\":\"app\"}",
                "disagree with hosts");
        refused("{\"host\":\"pg-a\",\"port\":6000,\"hosts\":[\"pg-a:5432\",\"pg-b:5432\"],\"user\":\"app\"}",
                "disagree with hosts");
        refused("{\"hosts\":[\"pg-a\",\"pg-b:5432\"],\"user\":\"app\"}", "has no port");
        refused("{\"hosts\":[\"pg-a:5432\",\"pg-a:5432\"],\"user\":\"app\"}", "twice");
        refused("{\"hosts\":[\"pg-a:99999\",\"pg-b:5432\"],\"user\":\"app\"}", "between 1 and 65535");
        refused("{\"hosts\":[\"pg-a:5432\",\"bad host:5432\"],\"user\":\"app\"}", "DNS name or IP address");
        refused("{\"hosts\":[],\"user\":\"app\"}", "host is required");
        refused("{\"host\":\"pg-a\",\"port\":5432,\"user\":\"app\",\"targetSessionAttrs\":\"master\"}",
                "targetSessionAttrs");
        refused("{\"host\":\"pg-a\",\"port\":5432,\"user\":\"app\",\"loadBalanceHosts\":\"round-robin\"}",
                "loadBalanceHosts");
    }
}
