package io.portcullis.proxy;

import io.portcullis.testing.Backends;
import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.QuestDbServer;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The smallest proof that a build works: health is up, and a client logs in over TLS and gets a row
 * from QuestDB. {@link GatewaySmokeIT} runs the same against the packaged jar or native executable.
 */
@QuarkusTest
class GatewaySmokeTest {

    @Test
    void healthIsUp() {
        GatewayClient.api().get("/q/health/ready").then().statusCode(200).body("status", is("UP"));
        GatewayClient.api().get("/q/health/live").then().statusCode(200).body("status", is("UP"));
    }

    @Test
    void tlsLoginAndQueryThroughTheGateway() throws Exception {
        QuestDbServer questdb = Backends.questdb();
        GatewayClient.putDatabase("smoke", Map.of("host", questdb.host(), "port", questdb.pgPort(),
                "user", questdb.user(), "password", questdb.password(), "poolSize", 2));
        GatewayClient.putUser("smoker", Map.of("password", "smoke-pass"));
        Map<String, String> verifyFull = Map.of("sslmode", "verify-full",
                "sslrootcert", GatewayClient.serverCertificate().toString());
        try (Connection c = GatewayClient.connect("smoke", "smoker", "smoke-pass", verifyFull);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1 + 1")) {
            assertTrue(rs.next());
            assertEquals(2, rs.getInt(1));
        }
    }

    /**
     * A certificate chosen by SNI is served, in the build under test (the native executable's JDK engine with
     * {@code -Dnative}); clients without that name keep the default.
     */
    @Test
    void aNamedCertificateIsServedByServerName() throws Exception {
        io.portcullis.testing.TestPki.Issued ca = io.portcullis.testing.TestPki.ca("Smoke SNI CA");
        io.portcullis.testing.TestPki.Issued named = io.portcullis.testing.TestPki.server(ca, "smoke-sni",
                java.util.List.of("smoke-sni.example.test"), java.util.List.of());
        int port = GatewayClient.gatewayPort();
        GatewayClient.api().auth().oauth2(io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE)
                .contentType(io.restassured.http.ContentType.JSON)
                .body(Map.of("certificateChainPem", named.certificatePem(), "privateKeyPem", named.keyPem()))
                .put("/api/v1/tls/certificates/smoke-sni").then().statusCode(org.hamcrest.Matchers.anyOf(is(200), is(201)));
        assertEquals(named.certificate(), io.portcullis.testing.ServedCertificate.read(port, "smoke-sni.example.test"));
        org.junit.jupiter.api.Assertions.assertNotEquals(named.certificate(), io.portcullis.testing.ServedCertificate.read(port));
    }
}
