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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The document clients generate code from: the committed one is what the app serves, and it is complete enough
 * for a generator (what {@code openapi-spec-validator} and Spectral check in CI, plus what they do not).
 */
@QuarkusTest
@WithTestResource(value = FreshDataDir.class, scope = TestResourceScope.MATCHING_RESOURCES)
class OpenApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");

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

    /** Generators name a client method after each operationId: every operation needs one, each its own. */
    @Test
    void everyOperationHasItsOwnOperationId() throws Exception {
        Set<String> seen = new HashSet<>();
        List<String> failures = new ArrayList<>();
        forEachOperation(spec(), (name, operation) -> {
            String id = operation.path("operationId").asText("");
            if (id.isEmpty()) {
                failures.add(name + " has no operationId");
            } else if (!seen.add(id)) {
                failures.add(name + " repeats the operationId " + id);
            }
        });
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertTrue(seen.size() >= 30, "operations: " + seen);
    }

    /** A header or parameter without a schema is invalid OpenAPI 3.1 (and types nothing in a generated client). */
    @Test
    void everyHeaderAndParameterHasASchema() throws Exception {
        JsonNode spec = spec();
        List<String> failures = new ArrayList<>();
        int[] checked = {0};
        walk(spec, "", (where, node) -> {
            if (node.has("headers")) {
                node.get("headers").fields().forEachRemaining(header -> {
                    checked[0]++;
                    requireSchema(spec, where + ".headers." + header.getKey(), header.getValue(), failures);
                });
            }
            if (node.has("parameters") && node.get("parameters").isArray()) {
                for (JsonNode parameter : node.get("parameters")) {
                    checked[0]++;
                    requireSchema(spec, where + ".parameters", parameter, failures);
                }
            }
        });
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertTrue(checked[0] > 40, "only " + checked[0] + " headers and parameters");
    }

    /**
     * Every JSON body has an example, and its schema says what the server enforces: no fields beyond those listed
     * (quarkus.jackson.fail-on-unknown-properties).
     */
    @Test
    void everyRequestBodyHasAnExampleAndAClosedSchema() throws Exception {
        JsonNode spec = spec();
        List<String> failures = new ArrayList<>();
        int[] bodies = {0};
        forEachOperation(spec, (name, operation) -> {
            JsonNode body = operation.path("requestBody").path("content").path("application/json");
            if (body.isMissingNode()) {
                return;
            }
            bodies[0]++;
            if (body.path("examples").isEmpty()) {
                failures.add(name + ": the request body has no example");
            }
            JsonNode schema = resolve(spec, body.path("schema"));
            if (!schema.path("additionalProperties").isBoolean() || schema.path("additionalProperties").asBoolean()) {
                failures.add(name + ": the request schema " + body.path("schema") + " allows unknown fields");
            }
        });
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertTrue(bodies[0] >= 10, "only " + bodies[0] + " request bodies");
    }

    /** Every error answer is documented as what {@link ProblemMappers} sends: a {@link Problem}. */
    @Test
    void everyErrorAnswerIsAProblem() throws Exception {
        JsonNode spec = spec();
        List<String> failures = new ArrayList<>();
        forEachOperation(spec, (name, operation) -> operation.path("responses").fields().forEachRemaining(answer -> {
            if (answer.getKey().startsWith("4") || answer.getKey().startsWith("5")) {
                JsonNode schema = resolve(spec, answer.getValue()).path("content").path(Problem.MEDIA_TYPE).path("schema");
                if (!schema.path("$ref").asText().equals("#/components/schemas/Problem")) {
                    failures.add(name + " " + answer.getKey() + " is not documented as a Problem");
                }
            }
        }));
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    private static void requireSchema(JsonNode spec, String where, JsonNode node, List<String> failures) {
        JsonNode resolved = resolve(spec, node);
        if (!resolved.has("schema") && !resolved.has("content")) {
            failures.add(where + " (" + resolved.path("name").asText("") + ") has no schema");
        }
    }

    /** A schema nothing refers to is a Java field SmallRye documented by mistake (Spectral: oas3-unused-component). */
    @Test
    void everyComponentSchemaIsUsed() throws Exception {
        JsonNode spec = spec();
        Set<String> referenced = new TreeSet<>();
        spec.findValues("$ref").forEach(ref -> referenced.add(ref.asText()));
        List<String> unused = new ArrayList<>();
        spec.path("components").path("schemas").fieldNames().forEachRemaining(name -> {
            if (!referenced.contains("#/components/schemas/" + name)) {
                unused.add(name);
            }
        });
        assertTrue(unused.isEmpty(), "component schemas nothing refers to: " + unused);
    }

    /** The node a {@code $ref} points to (local references only), or the node itself. */
    private static JsonNode resolve(JsonNode spec, JsonNode node) {
        String ref = node.path("$ref").asText("");
        return ref.startsWith("#/") ? spec.at(ref.substring(1)) : node;
    }

    private static JsonNode spec() throws Exception {
        return JSON.readTree(given().get("/q/openapi?format=json").then().statusCode(200).extract().asString());
    }

    private static void forEachOperation(JsonNode spec, BiConsumer<String, JsonNode> action) {
        for (Iterator<Map.Entry<String, JsonNode>> paths = spec.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue().fields().forEachRemaining(method -> {
                if (METHODS.contains(method.getKey())) {
                    action.accept(method.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey(), method.getValue());
                }
            });
        }
    }

    private static void walk(JsonNode node, String where, BiConsumer<String, JsonNode> visit) {
        if (node.isObject()) {
            visit.accept(where, node);
            node.fields().forEachRemaining(field -> walk(field.getValue(), where + "." + field.getKey(), visit));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), where + "[" + i + "]", visit);
            }
        }
    }
}
