package io.portcullis.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static io.portcullis.api.ApiTestSupport.asAdmin;
import static io.portcullis.api.ApiTestSupport.database;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every GET the document says answers with an ETag is a conditional read ({@link EntityTags#read}), and says so:
 * it lists If-None-Match and 304. Its 304 carries the ETag (RFC 9110 §15.4.5) and no body; a tag that is not
 * current gets the full answer; a stale If-Match gets 412 as problem+json.
 */
@QuarkusTest
@WithTestResource(value = FreshDataDir.class, scope = TestResourceScope.MATCHING_RESOURCES)
class ConditionalReadTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** What fills the path parameters of the tagged GETs. */
    private static final Map<String, String> PARAMETERS = Map.of("{name}", "cond_read");

    @Test
    void everyTaggedReadAnswers304ToItsOwnTag() throws Exception {
        asAdmin().body(database("127.0.0.1", 9, "u", null)).put("/api/v1/databases/cond_read").then().statusCode(201);
        asAdmin().body("{\"password\":\"cond-read-password\"}").put("/api/v1/users/cond_read").then().statusCode(201);

        List<String> tagged = taggedReads();
        assertTrue(tagged.size() >= 6, "tagged GETs in the document: " + tagged);
        for (String template : tagged) {
            String path = template;
            for (Map.Entry<String, String> parameter : PARAMETERS.entrySet()) {
                path = path.replace(parameter.getKey(), parameter.getValue());
            }
            assertTrue(!path.contains("{"), "teach this test to fill the parameters of " + template);

            Response full = asAdmin().get(path);
            assertEquals(200, full.statusCode(), path);
            String etag = full.header("ETag");
            assertTrue(etag != null && etag.matches("\"\\d+\""), path + " ETag " + etag);

            Response notModified = asAdmin().header("If-None-Match", etag).get(path);
            assertEquals(304, notModified.statusCode(), path);
            assertEquals(etag, notModified.header("ETag"), path + ": a 304 names the version it confirms");
            assertEquals("", notModified.asString(), path);

            Response other = asAdmin().header("If-None-Match", "\"0\"").get(path);
            assertEquals(200, other.statusCode(), path + ": a tag that is not current gets the answer");
            assertEquals(etag, other.header("ETag"), path);

            Response stale = asAdmin().header("If-Match", "\"0\"").get(path);
            assertEquals(412, stale.statusCode(), path);
            assertTrue(stale.contentType().startsWith(Problem.MEDIA_TYPE), path + " answered " + stale.contentType());
            String detail = stale.jsonPath().getString("detail");
            assertTrue(detail.contains("does not match the current ETag " + etag), detail);
        }
    }

    /** The GETs whose 200 carries an ETag; each must also list If-None-Match and 304. */
    private static List<String> taggedReads() throws Exception {
        JsonNode spec = JSON.readTree(given().get("/q/openapi?format=json").then().statusCode(200).extract().asString());
        List<String> tagged = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = spec.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            JsonNode get = path.getValue().get("get");
            if (get == null || !get.path("responses").path("200").path("headers").has("ETag")) {
                continue;
            }
            tagged.add(path.getKey());
            assertTrue(get.path("responses").has("304"), "GET " + path.getKey() + " does not document 304");
            boolean ifNoneMatch = false;
            for (JsonNode parameter : get.path("parameters")) {
                ifNoneMatch |= parameter.path("$ref").asText().equals("#/components/parameters/IfNoneMatch");
            }
            assertTrue(ifNoneMatch, "GET " + path.getKey() + " does not document If-None-Match");
        }
        return tagged;
    }
}
