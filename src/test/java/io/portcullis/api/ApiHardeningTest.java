package io.portcullis.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.portcullis.api.ApiTestSupport.asAdmin;
import static io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The management API as an attacker meets it: no CORS, bounded bodies, and no secret in any answer. */
@QuarkusTest
class ApiHardeningTest {

    private static final String BACKEND_PASSWORD = "hardening-Backend-Secret-91";
    private static final String SCRAM_PASSWORD = "hardening-Scram-Secret-92";
    private static final String MD5_PASSWORD = "hardening-Md5-Secret-93";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void corsStaysOff() {
        Response preflight = given().header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "PUT")
                .header("Access-Control-Request-Headers", "authorization,content-type")
                .options("/api/v1/databases");
        assertNull(preflight.getHeader("Access-Control-Allow-Origin"), "preflight answered with " + preflight.getHeaders());
        Response read = asAdmin().header("Origin", "https://evil.example").get("/api/v1/databases");
        assertEquals(200, read.statusCode());
        assertNull(read.getHeader("Access-Control-Allow-Origin"));
        assertNull(read.getHeader("Access-Control-Allow-Credentials"));
    }

    @Test
    void bodyOverTheLimitIs413ProblemJson() {
        String huge = "{\"host\":\"" + "h".repeat(2 * 1024 * 1024) + "\",\"port\":5432,\"user\":\"u\",\"password\":\"p\"}";
        Response answer = asAdmin().body(huge).put("/api/v1/databases/too_big");
        assertEquals(413, answer.statusCode());
        assertTrue(answer.contentType().startsWith(Problem.MEDIA_TYPE), answer.contentType());
        assertEquals(413, answer.jsonPath().getInt("status"));
        assertEquals("urn:portcullis:problem:payload-too-large", answer.jsonPath().getString("type"));
        assertTrue(answer.jsonPath().getString("detail").contains("quarkus.http.limits.max-body-size"), answer.asString());
        asAdmin().get("/api/v1/databases/too_big").then().statusCode(404);
        // Under the limit, a large body is read and judged on its content.
        String large = "{\"host\":\"" + "h".repeat(512 * 1024) + "\",\"port\":5432,\"user\":\"u\",\"password\":\"p\"}";
        assertEquals(400, asAdmin().body(large).put("/api/v1/databases/too_big").statusCode());
    }

    /**
     * A chunked body declares no length, so it can only be judged as it streams in: over the limit it gets the
     * same 413 problem as a declared one, not a reset connection, and nothing is stored.
     */
    @Test
    void chunkedBodyOverTheLimitIs413ProblemJson() throws Exception {
        String head = "PUT /api/v1/databases/too_big_chunked HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer " + ADMIN_TOKEN_VALUE + "\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
        byte[] piece = "h".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
        List<byte[]> chunks = new ArrayList<>();
        chunks.add(chunk("{\"host\":\"".getBytes(StandardCharsets.US_ASCII)));
        for (int i = 0; i < 32; i++) { // 2 MiB, twice the limit
            chunks.add(chunk(piece));
        }
        chunks.add(chunk("\",\"port\":5432,\"user\":\"u\"}".getBytes(StandardCharsets.US_ASCII)));
        chunks.add("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        RawHttp.Answer answer = RawHttp.stream(RestAssured.port, head.getBytes(StandardCharsets.US_ASCII), chunks);
        assertEquals(413, answer.status(), answer.toString());
        assertTrue(answer.header("content-type").startsWith(Problem.MEDIA_TYPE), answer.toString());
        JsonNode problem = JSON.readTree(answer.body());
        assertEquals("urn:portcullis:problem:payload-too-large", problem.get("type").asText());
        assertTrue(problem.get("detail").asText().contains("quarkus.http.limits.max-body-size"), answer.body());
        asAdmin().get("/api/v1/databases/too_big_chunked").then().statusCode(404);

        // Under the limit, a chunked body is read and stored like any other.
        String small = head.replace("too_big_chunked", "chunked_ok");
        RawHttp.Answer stored = RawHttp.stream(RestAssured.port, small.getBytes(StandardCharsets.US_ASCII), List.of(
                chunk("{\"host\":\"chunked.example\",".getBytes(StandardCharsets.US_ASCII)),
                chunk("\"port\":5432,\"user\":\"u\"}".getBytes(StandardCharsets.US_ASCII)),
                "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(201, stored.status(), stored.toString());
        asAdmin().get("/api/v1/databases/chunked_ok").then().statusCode(200)
                .body("host", org.hamcrest.Matchers.equalTo("chunked.example"));
    }

    private static byte[] chunk(byte[] data) {
        byte[] size = (Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] chunk = new byte[size.length + data.length + 2];
        System.arraycopy(size, 0, chunk, 0, size.length);
        System.arraycopy(data, 0, chunk, size.length, data.length);
        chunk[chunk.length - 2] = '\r';
        chunk[chunk.length - 1] = '\n';
        return chunk;
    }

    @Test
    void noReadableEndpointShowsASecret() throws Exception {
        asAdmin().body(ApiTestSupport.database("127.0.0.1", 5432, "backend_user", BACKEND_PASSWORD))
                .put("/api/v1/databases/hardening_db").then().statusCode(org.hamcrest.Matchers.anyOf(
                        org.hamcrest.Matchers.is(200), org.hamcrest.Matchers.is(201)));
        asAdmin().body("{\"password\":\"" + SCRAM_PASSWORD + "\"}").put("/api/v1/users/hardening_scram")
                .then().statusCode(org.hamcrest.Matchers.lessThan(300));
        asAdmin().body("{\"password\":\"" + MD5_PASSWORD + "\",\"auth\":\"md5\"}").put("/api/v1/users/hardening_md5")
                .then().statusCode(org.hamcrest.Matchers.lessThan(300));
        asAdmin().delete("/api/v1/tokens/hardening_viewer");
        String viewerToken = asAdmin().body("{\"name\":\"hardening_viewer\",\"role\":\"viewer\"}").post("/api/v1/tokens")
                .then().statusCode(201).extract().jsonPath().getString("token");

        io.portcullis.testing.TestPki.Issued ca = io.portcullis.testing.TestPki.ca("Hardening CA");
        io.portcullis.testing.TestPki.Issued named = io.portcullis.testing.TestPki.server(ca, "hardening",
                List.of("hardening.example.test"), List.of());
        asAdmin().body(Map.of("certificateChainPem", named.certificatePem(), "privateKeyPem", named.keyPem()))
                .put("/api/v1/tls/certificates/hardening").then().statusCode(org.hamcrest.Matchers.lessThan(300));
        // The named certificate's key, as PEM body lines (any of them shown would be a leak).
        String namedKey = named.keyPem().lines().filter(l -> !l.startsWith("-----")).reduce("", String::concat);
        List<String> secrets = new ArrayList<>(List.of(BACKEND_PASSWORD, SCRAM_PASSWORD, MD5_PASSWORD, viewerToken,
                ADMIN_TOKEN_VALUE, namedKey.substring(0, 40)));
        secrets.addAll(storedSecrets());

        Map<String, String> answers = new LinkedHashMap<>();
        for (String path : getPaths()) {
            Response answer = asAdmin().get(path);
            assertTrue(answer.statusCode() < 500, path + " answered " + answer.statusCode());
            answers.put(path, answer.getHeaders().toString() + "\n" + answer.asString());
        }
        for (String path : List.of("/q/health", "/q/health/ready", "/q/health/group/backends", "/q/metrics", "/q/openapi")) {
            answers.put(path, given().get(path).asString());
        }
        assertTrue(answers.keySet().containsAll(List.of("/api/v1/databases/hardening_db", "/api/v1/users/hardening_md5",
                "/api/v1/tls", "/api/v1/tokens")), "walked " + answers.keySet());
        for (Map.Entry<String, String> answer : answers.entrySet()) {
            for (String secret : secrets) {
                assertFalse(answer.getValue().contains(secret),
                        answer.getKey() + " shows a secret (" + secret.length() + " characters, starting " + secret.substring(0, 3) + ")");
            }
        }
    }

    /** Every GET path of the served OpenAPI document, path parameters filled with every resource we know. */
    private static List<String> getPaths() throws Exception {
        JsonNode spec = JSON.readTree(given().get("/q/openapi?format=json").asString());
        Map<String, List<String>> names = Map.of(
                "/api/v1/databases/{name}", names("/api/v1/databases"),
                "/api/v1/users/{name}", names("/api/v1/users"),
                "/api/v1/tokens/{name}", names("/api/v1/tokens"),
                "/api/v1/tls/certificates/{name}", names("/api/v1/tls/certificates"));
        List<String> paths = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = spec.get("paths").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!entry.getValue().has("get")) {
                continue;
            }
            String path = entry.getKey();
            if (!path.contains("{")) {
                paths.add(path);
            } else {
                assertTrue(names.containsKey(path), "a new GET endpoint with parameters: teach this test to fill " + path);
                names.get(path).forEach(name -> paths.add(path.replace("{name}", name)));
            }
        }
        return paths;
    }

    private static List<String> names(String collection) {
        return asAdmin().get(collection).then().statusCode(200).extract().jsonPath().getList("name", String.class);
    }

    /** What the store holds that must never be shown: verifiers, md5 hashes, sealed passwords, token hashes, the TLS key. */
    private static List<String> storedSecrets() throws Exception {
        Path dataDir = Path.of(ConfigProvider.getConfig().getValue("portcullis.data-dir", String.class));
        JsonNode config = JSON.readTree(Files.readString(dataDir.resolve("config.json")));
        List<String> secrets = new ArrayList<>();
        collect(config, secrets);
        assertTrue(secrets.stream().anyMatch(s -> s.startsWith("SCRAM-SHA-256$")), "the store holds a SCRAM verifier");
        assertTrue(secrets.stream().anyMatch(s -> s.startsWith("md5")), "the store holds an md5 hash");
        assertTrue(secrets.stream().anyMatch(s -> s.startsWith("v2:")), "the store holds a sealed password");
        String sealedKey = config.at("/config/tls/sealedCertificateKey").asText();
        assertTrue(sealedKey.startsWith("v2:") && secrets.contains(sealedKey), "the store holds the sealed server key");
        assertFalse(Files.exists(dataDir.resolve("tls").resolve("server.key")), "no server key in plain text in the data directory");
        return secrets;
    }

    private static void collect(JsonNode node, List<String> secrets) {
        node.fields().forEachRemaining(field -> {
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (value.isTextual() && (name.equals("scramVerifier") || name.equals("md5Hash") || name.equals("sealedPassword")
                    || name.equals("sealedServerKey") || name.equals("sha256Hex") || name.equals("sealedCertificateKey")
                    || name.equals("sealedPendingKey") || name.equals("sealedKey"))) {
                secrets.add(value.asText());
                if (value.asText().startsWith("SCRAM-SHA-256$")) {
                    // The keys alone are as secret as the whole verifier.
                    String keys = value.asText().substring(value.asText().indexOf('$', 14) + 1);
                    secrets.addAll(List.of(keys.split(":")));
                }
            } else if (value.isContainerNode()) {
                collect(value, secrets);
            }
        });
        if (node.isArray()) {
            node.forEach(element -> collect(element, secrets));
        }
    }
}
