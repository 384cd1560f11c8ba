package io.portcullis.api;

import io.portcullis.config.ApiToken;
import io.portcullis.config.ConfigStore;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.portcullis.api.ApiTestSupport.as;
import static io.portcullis.api.ApiTestSupport.asAdmin;
import static io.portcullis.api.ApiTestSupport.database;
import static io.portcullis.api.DatabasesApiTest.problem;
import static io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@WithTestResource(value = FreshDataDir.class, scope = TestResourceScope.MATCHING_RESOURCES)
class AuthApiTest {

    @Inject
    ConfigStore store;

    @Test
    void refusesRequestsWithoutAValidToken() {
        Response missing = given().get("/api/v1/databases");
        problem(missing, 401, "Authorization: Bearer");
        assertEquals("Bearer realm=\"portcullis\"", missing.header("WWW-Authenticate"));

        Response wrong = given().header("Authorization", "Bearer not-the-token").get("/api/v1/databases");
        problem(wrong, 401, "not valid");
        assertTrue(wrong.header("WWW-Authenticate").contains("error=\"invalid_token\""));

        problem(given().header("Authorization", "Basic dGVzdDp0ZXN0").get("/api/v1/databases"), 401, "Bearer");
        problem(given().get("/api/v1/no-such-thing"), 401, "Bearer");
        given().urlEncodingEnabled(false).get("//api//v1/databases").then().statusCode(401);
        given().urlEncodingEnabled(false).get("/%61pi/v1/databases").then().statusCode(401);
        problem(given().body(database("h", 1, "u", null)).contentType("application/json")
                .put("/api/v1/databases/anonymous"), 401, "Bearer");
        assertTrue(store.current().database("anonymous").isEmpty());
    }

    /**
     * Issue 15's attack: the old filter judged the path as written, routing used the normalised one, and the
     * resource stored the user before it looked up the caller. No spelling of the path may write without a token.
     */
    @Test
    void aDotDotSpellingCannotStoreAnAdminUserWithoutAToken() throws Exception {
        long before = store.current().version();
        RawHttp.Answer put = RawHttp.send(RestAssured.port, "PUT", "/%2e%2e/api/v1/users/evil", Map.of(),
                "{\"password\":\"evil-password-123\",\"admin\":true}");
        assertTrue(put.status() == 401 || put.status() == 404, put.toString());
        assertTrue(store.current().user("evil").isEmpty(), "the user was stored");
        assertEquals(before, store.current().version(), "the configuration changed");
        for (String path : List.of("/../api/v1/users", "/%2e/api/v1/users", "/%2e%2e/api/v1/users")) {
            RawHttp.Answer read = RawHttp.send(RestAssured.port, "GET", path, Map.of(), null);
            assertTrue(read.status() == 401 || read.status() == 404, path + " answered " + read);
        }
    }

    @Test
    void leavesHealthAndOpenApiOpen() {
        given().get("/q/health").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200);
    }

    @Test
    void storesOnlyTheHashOfTheBootstrapToken() {
        ApiToken bootstrap = store.current().tokens().stream()
                .filter(t -> t.name().equals(AdminTokenBootstrap.TOKEN_NAME)).findFirst().orElseThrow();
        assertEquals(ApiToken.ADMIN, bootstrap.role());
        assertEquals(ApiTokens.sha256Hex(ADMIN_TOKEN_VALUE), bootstrap.sha256Hex());
    }

    @Test
    void viewersMayReadButNotWrite() {
        Response issued = asAdmin().body("{\"name\":\"dashboard\",\"role\":\"viewer\"}").post("/api/v1/tokens");
        issued.then().statusCode(201).body("name", equalTo("dashboard")).body("role", equalTo("viewer"))
                .body("token", notNullValue());
        String viewer = issued.path("token");
        assertFalse(store.current().tokens().toString().contains(viewer), "only the hash is stored");

        asAdmin().body(database("h", 1, "u", null)).put("/api/v1/databases/viewable").then().statusCode(201);
        as(viewer).get("/api/v1/databases").then().statusCode(200);
        as(viewer).get("/api/v1/databases/viewable").then().statusCode(200);
        problem(as(viewer).body(database("h", 2, "u", null)).put("/api/v1/databases/viewable"), 403, "may only read");
        problem(as(viewer).delete("/api/v1/databases/viewable"), 403, "may only read");
        problem(as(viewer).body("{\"password\":\"p-123456\"}").put("/api/v1/users/sneaky"), 403, "may only read");
        problem(as(viewer).get("/api/v1/tokens"), 403, "needs the role admin");
        asAdmin().get("/api/v1/databases/viewable").then().body("port", equalTo(1));

        // Token list shows names and roles, never tokens or hashes.
        String list = asAdmin().get("/api/v1/tokens").then().statusCode(200)
                .body("name", hasItem("dashboard")).extract().asString();
        assertFalse(list.contains(viewer) || list.contains(ApiTokens.sha256Hex(viewer)) || list.contains("token\""), list);

        problem(asAdmin().body("{\"name\":\"dashboard\",\"role\":\"viewer\"}").post("/api/v1/tokens"), 409, "exists");
        problem(asAdmin().body("{\"name\":\"x\",\"role\":\"root\"}").post("/api/v1/tokens"), 400, "role must be one of admin, viewer");
        asAdmin().delete("/api/v1/tokens/dashboard").then().statusCode(204);
        problem(as(viewer).get("/api/v1/databases"), 401, "not valid");
    }

    @Test
    void keepsTheLastAdminToken() {
        String second = asAdmin().body("{\"name\":\"second-admin\",\"role\":\"admin\"}").post("/api/v1/tokens")
                .then().statusCode(201).extract().path("token");
        as(second).get("/api/v1/tokens").then().statusCode(200).body("name", hasItem(AdminTokenBootstrap.TOKEN_NAME));
        as(second).delete("/api/v1/tokens/second-admin").then().statusCode(204);
        problem(asAdmin().delete("/api/v1/tokens/" + AdminTokenBootstrap.TOKEN_NAME), 409, "last admin token");
        problem(asAdmin().delete("/api/v1/tokens/nobody"), 404, "token 'nobody' does not exist");
        asAdmin().get("/api/v1/tokens").then().body("name", not(hasItem("second-admin")));
    }
}
