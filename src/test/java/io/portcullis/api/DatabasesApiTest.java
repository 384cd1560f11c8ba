package io.portcullis.api;

import io.portcullis.config.ConfigStore;
import io.portcullis.config.FileConfigStore;
import io.portcullis.config.DatabaseConfig;
import io.portcullis.config.SecretBinding;
import io.portcullis.config.SecretBox;
import io.portcullis.testing.TestPki;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.portcullis.api.ApiTestSupport.asAdmin;
import static io.portcullis.api.ApiTestSupport.database;
import static io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@WithTestResource(value = FreshDataDir.class, scope = TestResourceScope.MATCHING_RESOURCES)
class DatabasesApiTest {

    private static final String PASSWORD = "Quest-Secret-7f3a";

    @Inject
    ConfigStore store;
    @Inject
    SecretBox secrets;
    @ConfigProperty(name = "portcullis.data-dir")
    String dataDir;

    @Test
    void createsReadsReplacesAndDeletes() {
        Response created = asAdmin().body(database("questdb.internal", 8812, "admin", PASSWORD))
                .put("/api/v1/databases/orders");
        created.then().statusCode(201)
                .header("Location", endsWith("/api/v1/databases/orders"))
                .header("ETag", notNullValue())
                .body("name", equalTo("orders"))
                .body("host", equalTo("questdb.internal"))
                .body("port", equalTo(8812))
                .body("dbname", equalTo("orders"))
                .body("user", equalTo("admin"))
                .body("passwordSet", equalTo(true))
                .body("serverTls", equalTo("disable"))
                .body("poolMode", equalTo("session"))
                .body("poolSize", equalTo(20))
                .body("minPoolSize", equalTo(0))
                .body("reservePoolSize", equalTo(0))
                .body("maxDbConnections", equalTo(0));
        assertFalse(created.asString().contains(PASSWORD));
        assertFalse(created.asString().contains("password\""), "no password field at all: " + created.asString());
        assertEquals("\"" + store.current().version() + "\"", created.header("ETag"));

        Response read = asAdmin().get("/api/v1/databases/orders");
        read.then().statusCode(200).body("passwordSet", equalTo(true)).header("ETag", created.header("ETag"));
        assertFalse(read.asString().contains(PASSWORD));

        // Replace without a password, same backend and user: everything is replaced, the password is kept.
        Response replaced = asAdmin()
                .body("{\"host\":\"questdb.internal\",\"port\":8812,\"user\":\"admin\",\"poolMode\":\"transaction\",\"poolSize\":5}")
                .put("/api/v1/databases/orders");
        replaced.then().statusCode(200).body("poolMode", equalTo("transaction"))
                .body("poolSize", equalTo(5)).body("passwordSet", equalTo(true));
        assertNotEquals(created.header("ETag"), replaced.header("ETag"));
        DatabaseConfig kept = store.current().database("orders").orElseThrow();
        assertEquals(PASSWORD, secrets.open(kept.sealedPassword(), SecretBinding.backendPassword(kept)));

        // Moving it needs the password again.
        asAdmin().body(database("questdb2", 8813, "admin", PASSWORD)).put("/api/v1/databases/orders")
                .then().statusCode(200).body("host", equalTo("questdb2")).body("passwordSet", equalTo(true));

        // An empty password removes it.
        asAdmin().body(database("questdb2", 8813, "admin", "")).put("/api/v1/databases/orders")
                .then().statusCode(200).body("passwordSet", equalTo(false));

        asAdmin().delete("/api/v1/databases/orders").then().statusCode(204);
        asAdmin().get("/api/v1/databases/orders").then().statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404))
                .body("title", equalTo("Not Found"))
                .body("detail", equalTo("database 'orders' does not exist"))
                .body("instance", equalTo("/api/v1/databases/orders"));
        asAdmin().delete("/api/v1/databases/orders").then().statusCode(404);
    }

    @Test
    void listsSortedWithoutPasswords() {
        asAdmin().body(database("h", 1, "u", PASSWORD)).put("/api/v1/databases/list-b").then().statusCode(201);
        asAdmin().body(database("h", 2, "u", PASSWORD)).put("/api/v1/databases/list-a").then().statusCode(201);
        Response list = asAdmin().get("/api/v1/databases");
        list.then().statusCode(200).header("ETag", notNullValue());
        String body = list.asString();
        assertFalse(body.contains(PASSWORD), body);
        assertTrue(body.indexOf("\"list-a\"") < body.indexOf("\"list-b\""), body);
    }

    @Test
    void storesOnlyTheSealedPassword() throws Exception {
        asAdmin().body(database("h", 5432, "u", PASSWORD)).put("/api/v1/databases/sealed").then().statusCode(201);
        String file = Files.readString(Path.of(dataDir, FileConfigStore.CONFIG_FILE));
        assertFalse(file.contains(PASSWORD), "config.json must not hold the clear password");
        DatabaseConfig db = store.current().database("sealed").orElseThrow();
        String sealed = db.sealedPassword();
        assertTrue(sealed.startsWith("v2:") && file.contains(sealed), "config.json holds the sealed value");
        assertEquals(PASSWORD, secrets.open(sealed, SecretBinding.backendPassword(db)));
    }

    /**
     * Issue 15 item 5: a PUT that re-points a database at another host, port or user without its password is
     * refused (the stored password would otherwise be sent to the new backend) and stores nothing.
     */
    @Test
    void repointingWithoutThePasswordIsRefusedAndStoresNothing() {
        asAdmin().body(database("db.internal", 5432, "app", PASSWORD)).put("/api/v1/databases/repoint").then().statusCode(201);
        for (String moved : List.of(
                "{\"host\":\"attacker.example\",\"port\":5432,\"user\":\"app\"}",
                "{\"host\":\"db.internal\",\"port\":6543,\"user\":\"app\"}",
                "{\"host\":\"db.internal\",\"port\":5432,\"user\":\"admin\"}")) {
            long version = store.current().version();
            Response refused = asAdmin().body(moved).put("/api/v1/databases/repoint");
            problem(refused, 400, "password is required");
            refused.then().body("detail", containsString("only ever sent where it was set"));
            assertEquals(version, store.current().version(), "nothing stored for " + moved);
        }
        DatabaseConfig unchanged = store.current().database("repoint").orElseThrow();
        assertEquals("db.internal", unchanged.host());
        assertEquals(PASSWORD, secrets.open(unchanged.sealedPassword(), SecretBinding.backendPassword(unchanged)));

        // With the password it is a normal replacement; "" moves it and removes the password.
        asAdmin().body(database("attacker-free.example", 5432, "app", "new-pass-1")).put("/api/v1/databases/repoint")
                .then().statusCode(200).body("host", equalTo("attacker-free.example")).body("passwordSet", equalTo(true));
        DatabaseConfig moved = store.current().database("repoint").orElseThrow();
        assertEquals("new-pass-1", secrets.open(moved.sealedPassword(), SecretBinding.backendPassword(moved)));
        asAdmin().body(database("elsewhere.example", 5432, "app", "")).put("/api/v1/databases/repoint")
                .then().statusCode(200).body("passwordSet", equalTo(false));
        // No stored password: nothing to leak, so a move needs none.
        asAdmin().body(database("third.example", 5432, "app", null)).put("/api/v1/databases/repoint").then().statusCode(200);
    }

    /** serverCa, serverCertificate and serverKey: checked when stored, the key write-only and bound like a password. */
    @Test
    void storesBackendTlsMaterialCheckedAndTheKeySealed() throws Exception {
        TestPki.Issued ca = TestPki.ca("Backend CA");
        TestPki.Issued client = TestPki.client(ca, "app");
        String keyPem = client.keyPem();
        java.util.Map<String, Object> body = new java.util.HashMap<>(java.util.Map.of("host", "pg.internal", "port", 5432,
                "user", "app", "serverTls", "verify-full", "serverCa", ca.certificatePem(),
                "serverCertificate", client.certificatePem(), "serverKey", keyPem));
        Response created = asAdmin().body(body).put("/api/v1/databases/tls-db");
        created.then().statusCode(201).body("serverTls", equalTo("verify-full")).body("serverKeySet", equalTo(true))
                .body("serverCa", containsString("BEGIN CERTIFICATE")).body("serverCertificate", containsString("BEGIN CERTIFICATE"));
        String shown = asAdmin().get("/api/v1/databases/tls-db").asString() + asAdmin().get("/api/v1/databases").asString()
                + created.asString();
        String keyBody = keyPem.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
        assertFalse(shown.contains(keyBody) || shown.contains("PRIVATE KEY") || shown.contains("\"serverKey\""), shown);
        String file = Files.readString(Path.of(dataDir, FileConfigStore.CONFIG_FILE));
        assertFalse(file.contains(keyBody) || file.contains("PRIVATE KEY"), "config.json holds only the sealed key");
        DatabaseConfig db = store.current().database("tls-db").orElseThrow();
        assertTrue(db.sealedServerKey().startsWith("v2:"));
        assertTrue(secrets.open(db.sealedServerKey(), SecretBinding.serverKey(db)).contains("PRIVATE KEY"));

        // Sent back as read (no serverKey): the key is kept.
        body.remove("serverKey");
        asAdmin().body(body).put("/api/v1/databases/tls-db").then().statusCode(200).body("serverKeySet", equalTo(true));
        // Moved to another host without the key: refused, nothing stored.
        long version = store.current().version();
        body.put("host", "elsewhere.internal");
        problem(asAdmin().body(body).put("/api/v1/databases/tls-db"), 400, "serverKey is required");
        assertEquals(version, store.current().version());

        body.put("host", "pg.internal");
        problem(asAdmin().body(java.util.Map.of("host", "h", "port", 1, "user", "u", "serverTls", "verify-ca",
                "serverCa", "not a certificate")).put("/api/v1/databases/tls-bad"), 400, "serverCa: ");
        problem(asAdmin().body(java.util.Map.of("host", "h", "port", 1, "user", "u", "serverTls", "verify-ca",
                "serverCa", keyPem)).put("/api/v1/databases/tls-bad"), 400, "serverCa holds a private key");
        problem(asAdmin().body(java.util.Map.of("host", "h", "port", 1, "user", "u", "serverTls", "verify-full"))
                .put("/api/v1/databases/tls-bad"), 400, "needs the CA certificates to trust");
        problem(asAdmin().body(java.util.Map.of("host", "h", "port", 1, "user", "u", "serverTls", "prefer",
                "serverCa", ca.certificatePem())).put("/api/v1/databases/tls-bad"), 400,
                "serverCa is used only with serverTls require, verify-ca or verify-full, not prefer");
        problem(asAdmin().body(java.util.Map.of("host", "h", "port", 1, "user", "u", "serverTls", "require",
                "serverCertificate", client.certificatePem(), "serverKey", TestPki.client(ca, "other").keyPem()))
                .put("/api/v1/databases/tls-bad"), 400, "does not match the certificate");
        problem(asAdmin().body(java.util.Map.of("host", "h", "port", 1, "user", "u", "serverTls", "require",
                "serverCertificate", client.certificatePem())).put("/api/v1/databases/tls-bad"), 400,
                "serverCertificate needs its private key");
        problem(asAdmin().body(java.util.Map.of("host", "h", "port", 1, "user", "u", "serverTls", "disable",
                "serverCertificate", client.certificatePem(), "serverKey", keyPem)).put("/api/v1/databases/tls-bad"), 400,
                "serverCertificate needs serverTls prefer, require, verify-ca or verify-full");
        problem(asAdmin().body(java.util.Map.of("host", "h", "port", 1, "user", "u", "serverTls", "sometimes"))
                .put("/api/v1/databases/tls-bad"), 400, "serverTls must be one of disable, prefer, require, verify-ca, verify-full");
        asAdmin().get("/api/v1/databases/tls-bad").then().statusCode(404);
    }

    @Test
    void refusesInvalidValuesWithAPreciseDetail() {
        problem(asAdmin().body(database("h", 70000, "u", null)).put("/api/v1/databases/bad"), 400,
                "port must be between 1 and 65535, not 70000");
        problem(asAdmin().body("{\"host\":\"h\",\"port\":1,\"user\":\"u\",\"poolMode\":\"sometimes\"}")
                .put("/api/v1/databases/bad"), 400, "poolMode must be one of session, transaction, statement, not 'sometimes'");
        problem(asAdmin().body("{\"host\":\"h\",\"port\":1,\"user\":\"u\",\"colour\":\"red\"}")
                .put("/api/v1/databases/bad"), 400, "unknown field 'colour'");
        problem(asAdmin().body("{\"host\":\"h\",\"port\":\"8812\",\"user\":\"u\"}")
                .put("/api/v1/databases/bad"), 400, "port must be an integer");
        problem(asAdmin().body("{\"port\":1,\"user\":\"u\"}").put("/api/v1/databases/bad"), 400, "host is required");
        problem(asAdmin().body("{\"host\":\"h\",\"port\":1,\"user\":\"u\",\"poolSize\":2,\"minPoolSize\":3}")
                .put("/api/v1/databases/bad"), 400, "minPoolSize (3) must not exceed poolSize (2)");
        problem(asAdmin().body(database("h", 1, "u", null)).put("/api/v1/databases/pgbouncer"), 400,
                "reserved for the admin console");
        problem(asAdmin().body(database("h", 1, "u", null)).put("/api/v1/databases/bad name"), 400,
                "must be 1 to 63 characters");
        problem(asAdmin().body("{\"name\":\"other\",\"host\":\"h\",\"port\":1,\"user\":\"u\"}")
                .put("/api/v1/databases/bad"), 400, "does not match 'bad' in the path");
        // Read-only fields are refused, not ignored: "passwordSet": false does not remove a password.
        problem(asAdmin().body("{\"host\":\"h\",\"port\":1,\"user\":\"u\",\"passwordSet\":false}")
                .put("/api/v1/databases/bad"), 400, "passwordSet is read-only");
        problem(asAdmin().body("{\"host\":\"h\",\"port\":1,\"user\":\"u\",\"serverKeySet\":true}")
                .put("/api/v1/databases/bad"), 400, "serverKeySet is read-only");
        asAdmin().get("/api/v1/databases/bad").then().statusCode(404);
    }

    @Test
    void refusesMalformedJsonWithoutEchoingIt() {
        Response response = asAdmin().body("{\"host\":\"h\",\"password\": Leaked-Secret-99 }").put("/api/v1/databases/bad");
        problem(response, 400, "the request body cannot be read");
        response.then().body("type", equalTo("urn:portcullis:problem:malformed-json"));
        assertFalse(response.asString().contains("Leaked-Secret-99"), response.asString());

        problem(asAdmin().body("{\"host\":\"h\",").put("/api/v1/databases/bad"), 400, "it ends early");
        problem(asAdmin().body("{\"port\":1,\"port\":2}").put("/api/v1/databases/bad"), 400, "duplicate field 'port'");
        problem(asAdmin().body("[1,2]").put("/api/v1/databases/bad"), 400, "must be a JSON object");
        problem(asAdmin().body("").put("/api/v1/databases/bad"), 400, "a JSON body is required");
    }

    @Test
    void refusesOtherMediaTypes() {
        problem(given().header("Authorization", "Bearer " + ADMIN_TOKEN_VALUE)
                .contentType(ContentType.TEXT).body("host=h").put("/api/v1/databases/bad"), 415, "application/json");
        problem(asAdmin().post("/api/v1/databases"), 405, "does not support that method");
        problem(asAdmin().get("/api/v1/nothing-here"), 404, "there is no resource at /api/v1/nothing-here");
    }

    @Test
    void honoursIfMatchAndIfNoneMatch() {
        String etag = asAdmin().body(database("h", 1, "u", null)).put("/api/v1/databases/tagged")
                .then().statusCode(201).extract().header("ETag");
        asAdmin().header("If-None-Match", etag).get("/api/v1/databases/tagged").then().statusCode(304);

        String next = asAdmin().header("If-Match", etag).body(database("h", 2, "u", null))
                .put("/api/v1/databases/tagged").then().statusCode(200).body("port", equalTo(2)).extract().header("ETag");
        assertNotEquals(etag, next);

        Response stale = asAdmin().header("If-Match", etag).body(database("h", 3, "u", null)).put("/api/v1/databases/tagged");
        problem(stale, 412, "does not match the current ETag");
        asAdmin().get("/api/v1/databases/tagged").then().body("port", equalTo(2));
        problem(asAdmin().header("If-Match", etag).delete("/api/v1/databases/tagged"), 412, "does not match");
        problem(asAdmin().header("If-Match", "W/" + next).delete("/api/v1/databases/tagged"), 412, "does not match");
        problem(asAdmin().header("If-Match", next).body(database("h", 1, "u", null))
                .put("/api/v1/databases/tagged-missing"), 412, "does not exist");

        asAdmin().header("If-Match", next).delete("/api/v1/databases/tagged").then().statusCode(204);
    }

    @Test
    void refusesToDeleteADatabaseUsersStillList() {
        asAdmin().body(database("h", 1, "u", null)).put("/api/v1/databases/in-use").then().statusCode(201);
        asAdmin().body("{\"password\":\"pw-1234\",\"databases\":[\"in-use\"]}").put("/api/v1/users/in-use-user")
                .then().statusCode(201);
        problem(asAdmin().delete("/api/v1/databases/in-use"), 409, "still listed by user 'in-use-user'");
        asAdmin().delete("/api/v1/users/in-use-user").then().statusCode(204);
        asAdmin().delete("/api/v1/databases/in-use").then().statusCode(204);
    }

    static void problem(Response response, int status, String detailPart) {
        response.then().statusCode(status)
                .contentType("application/problem+json")
                .body("status", equalTo(status))
                .body("type", startsWith("urn:portcullis:problem:"))
                .body("title", notNullValue())
                .body("detail", containsString(detailPart))
                .body("instance", startsWith("/api/"))
                .body(not(containsString("Exception")));
    }
}
