package io.portcullis.tls;

import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.TestPki;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * Every TLS and import endpoint refuses a missing token (401) and a viewer's write (403), and every
 * TLS write with a stale {@code If-Match} gets 412 — before it changes anything.
 */
@QuarkusTest
class TlsApiAccessTest {

    private static String viewerToken;
    private static String certificatePem;
    private static String keyPem;
    private static String caPem;

    /** One write endpoint: how to call it with a given request. */
    record Write(String label, Function<RequestSpecification, io.restassured.response.Response> call) {
    }

    @BeforeAll
    static void setUp() throws Exception {
        viewerToken = TlsLifecycleTest.admin().body(Map.of("name", "tls-viewer", "role", "viewer"))
                .post("/api/v1/tokens").then().statusCode(201).extract().path("token");
        TestPki.Issued ca = TestPki.ca("Access Test CA");
        TestPki.Issued server = TestPki.server(ca, "localhost", Instant.now().minus(Duration.ofHours(1)),
                Instant.now().plus(Duration.ofDays(2)));
        certificatePem = server.certificatePem() + ca.certificatePem();
        keyPem = server.keyPem();
        caPem = ca.certificatePem();
    }

    private static Write[] writes() {
        return new Write[]{
                new Write("PUT /tls", r -> r.body(Map.of("mode", "require")).put("/api/v1/tls")),
                new Write("PUT /tls/certificate", r -> r.body(Map.of("certificateChainPem", certificatePem, "privateKeyPem", keyPem))
                        .put("/api/v1/tls/certificate")),
                new Write("POST /tls/certificate/self-signed", r -> r.body(Map.of("commonName", "localhost",
                        "subjectAltNames", java.util.List.of("localhost", "127.0.0.1"), "validDays", 30))
                        .post("/api/v1/tls/certificate/self-signed")),
                new Write("PUT /tls/client-ca", r -> r.body(Map.of("caPem", caPem)).put("/api/v1/tls/client-ca")),
                new Write("DELETE /tls/client-ca", r -> r.delete("/api/v1/tls/client-ca")),
        };
    }

    private static RequestSpecification json(RequestSpecification r) {
        return r.contentType(ContentType.JSON);
    }

    @Test
    void noTokenIs401Everywhere() {
        for (Write w : writes()) {
            w.call().apply(json(GatewayClient.api())).then().statusCode(401).contentType("application/problem+json");
        }
        GatewayClient.api().get("/api/v1/tls").then().statusCode(401);
        json(GatewayClient.api()).body(Map.of("csrSubject", "x")).post("/api/v1/tls/csr").then().statusCode(401);
        json(GatewayClient.api()).body(Map.of("ini", "[databases]\n")).post("/api/v1/import/pgbouncer").then().statusCode(401);
    }

    @Test
    void viewerReadsButCannotWrite() {
        json(GatewayClient.api().auth().oauth2(viewerToken)).get("/api/v1/tls").then().statusCode(200)
                .body("certificate.sha256Fingerprint", org.hamcrest.Matchers.notNullValue());
        for (Write w : writes()) {
            w.call().apply(json(GatewayClient.api().auth().oauth2(viewerToken))).then().statusCode(403)
                    .contentType("application/problem+json");
        }
        json(GatewayClient.api().auth().oauth2(viewerToken)).body(Map.of("subject", "CN=x"))
                .post("/api/v1/tls/csr").then().statusCode(403);
        json(GatewayClient.api().auth().oauth2(viewerToken)).body(Map.of("ini", "[databases]\n"))
                .post("/api/v1/import/pgbouncer").then().statusCode(403);
    }

    @Test
    void staleIfMatchIs412AndChangesNothing() {
        String before = TlsLifecycleTest.admin().get("/api/v1/tls").then().statusCode(200).extract().asString();
        for (Write w : writes()) {
            if (w.label().startsWith("DELETE")) {
                continue; // without a client CA there is nothing to delete (404); checked below with one
            }
            w.call().apply(TlsLifecycleTest.admin().header("If-Match", "\"1\"")).then()
                    .statusCode(412).contentType("application/problem+json").body("status", equalTo(412))
                    .body("detail", containsString("If-Match"));
        }
        String after = TlsLifecycleTest.admin().get("/api/v1/tls").then().statusCode(200).extract().asString();
        org.junit.jupiter.api.Assertions.assertEquals(before, after, "no stale write changed the TLS settings");

        TlsLifecycleTest.admin().body(Map.of("caPem", caPem)).put("/api/v1/tls/client-ca").then().statusCode(200);
        TlsLifecycleTest.admin().header("If-Match", "\"1\"").delete("/api/v1/tls/client-ca").then().statusCode(412);
        TlsLifecycleTest.admin().get("/api/v1/tls").then().statusCode(200).body("clientCa", org.hamcrest.Matchers.notNullValue());
        TlsLifecycleTest.admin().delete("/api/v1/tls/client-ca").then().statusCode(org.hamcrest.Matchers.lessThan(300));
    }
}
