package io.portcullis.acme;

import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.ServedCertificate;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A CA that requires an external account binding (Pebble with EAB keys, as ZeroSSL or step-ca): without one the CA's
 * refusal is shown in words; with the key id and HMAC key the CA gave, the account is registered and the certificate
 * issued. Served as a named certificate, removed afterwards, for the classes sharing this application.
 */
@QuarkusTest
class AcmeEabTest {

    static final String DOMAIN = "eab.acme-test.example.com";
    static final String NAME = "acme-eab";
    static final String KEY_ID = "kid-1";
    static final String HMAC = "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W";

    private static PebbleServer pebble;

    @BeforeAll
    static void startPebble() throws Exception {
        assumeTrue(PebbleServer.installed(), "pebble is not installed");
        pebble = new PebbleServer(GatewayClient.httpPort(), Map.of(KEY_ID, HMAC));
    }

    @AfterAll
    static void stopPebble() {
        if (pebble != null) {
            pebble.close();
        }
    }

    static RequestSpecification admin() {
        return GatewayClient.api().auth().oauth2(ADMIN_TOKEN_VALUE).contentType(ContentType.JSON);
    }

    private static Map<String, Object> request() {
        return new HashMap<>(Map.of("directoryUrl", pebble.directoryUrl(), "domains", List.of(DOMAIN),
                "acceptTermsOfService", true, "directoryCaPem", pebble.caPem(), "certificateName", NAME));
    }

    private static JsonPath await(Predicate<JsonPath> done, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonPath last = null;
        while (System.nanoTime() < deadline) {
            last = admin().get("/api/v1/tls/acme").then().statusCode(200).extract().jsonPath();
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(what + " did not happen: " + (last == null ? null : last.prettify()) + "\n" + pebble.log());
    }

    @Test
    void theBindingTheCaRequiresRegistersTheAccount() throws Exception {
        try {
            admin().body(request()).put("/api/v1/tls/acme").then().statusCode(202);
            String refused = await(s -> s.get("lastError") != null, "the refusal").getString("lastError");
            assertTrue(refused.contains("externalAccountRequired") || refused.toLowerCase().contains("external account"),
                    "the CA's reason: " + refused);

            Map<String, Object> bound = request();
            bound.put("externalAccountBinding", Map.of("keyId", KEY_ID, "hmacKey", HMAC));
            admin().body(bound).put("/api/v1/tls/acme").then().statusCode(202);
            JsonPath status = await(s -> "valid".equals(s.getString("domainStates[0].state")), "issuance with the binding");
            assertTrue(status.getBoolean("account.registered"));
            assertTrue(status.getBoolean("account.externalAccountBinding"));
            X509Certificate served = ServedCertificate.read(GatewayClient.gatewayPort(), DOMAIN);
            assertEquals(pebble.intermediate().getSubjectX500Principal(), served.getIssuerX500Principal());
        } finally {
            admin().delete("/api/v1/tls/acme");
            admin().delete("/api/v1/tls/certificates/" + NAME);
        }
    }
}
