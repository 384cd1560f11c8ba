package io.portcullis.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.junit.jupiter.api.Assertions.assertEquals;

@QuarkusTest
@WithTestResource(value = FreshDataDir.class, scope = TestResourceScope.MATCHING_RESOURCES)
class OpenApiTest {

    /**
     * The committed spec is what clients generate code from; the served one must say the same.
     * Compared as trees: SmallRye orders a few keys differently at build time and at run time.
     */
    @Test
    void servesTheCommittedSpec() throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        String served = given().accept("application/yaml").get("/q/openapi").then().statusCode(200).extract().asString();
        JsonNode committed = yaml.readTree(Files.readString(Path.of("openapi", "openapi.yaml")));
        assertEquals(committed, yaml.readTree(served),
                "the served OpenAPI spec differs from openapi/openapi.yaml: rebuild and commit the file");
    }

    @Test
    void documentsBearerAuthAndProblems() {
        given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("components.securitySchemes.bearer.scheme", equalTo("bearer"))
                .body("components.schemas", hasKey("Problem"))
                .body("paths.'/api/v1/databases/{name}'.put.responses", hasKey("412"))
                .body("paths.'/api/v1/databases/{name}'.put.responses.'400'.content", hasKey("application/problem+json"))
                .body("paths.'/api/v1/users/{name}'.put.responses", hasKey("403"))
                .body("paths.'/api/v1/tokens'.post.responses", hasKey("201"))
                .body("info.version", equalTo("1.0.0"));
    }
}
