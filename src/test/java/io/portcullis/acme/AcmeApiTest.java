package io.portcullis.acme;

import io.portcullis.config.AcmeConfig;
import io.portcullis.config.ConfigStore;
import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.TestPki;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/**
 * {@code /api/v1/tls/acme} refuses what it cannot use with a 400 saying why (every field is checked), and the HTTP-01
 * endpoint answers, without a token, only the tokens of an order in progress; anything else is a bare 404. (Who may
 * call what is in AuthorizationMatrixTest; issuance against a real CA in {@link AcmePebbleTest}.)
 */
@QuarkusTest
class AcmeApiTest {

    @Inject
    ChallengeTokens tokens;
    @Inject
    ConfigStore store;
    @Inject
    AcmeManager manager;

    static RequestSpecification admin() {
        return GatewayClient.api().auth().oauth2(ADMIN_TOKEN_VALUE).contentType(ContentType.JSON);
    }

    private static Map<String, Object> valid() {
        Map<String, Object> body = new HashMap<>();
        body.put("directoryUrl", "https://127.0.0.1:9/dir");
        body.put("email", "ops@example.com");
        body.put("domains", List.of("db.example.com"));
        body.put("acceptTermsOfService", true);
        return body;
    }

    private static void refused(Map<String, Object> body, String detail) {
        admin().body(body).put("/api/v1/tls/acme").then().log().ifValidationFails().statusCode(400)
                .contentType(containsString("problem+json")).body("detail", containsString(detail));
    }

    private static Map<String, Object> with(String field, Object value) {
        Map<String, Object> body = valid();
        if (value == null) {
            body.remove(field);
        } else {
            body.put(field, value);
        }
        return body;
    }

    @Test
    void everyFieldIsCheckedAndARefusalSaysWhy() throws Exception {
        refused(with("acceptTermsOfService", false), "acceptTermsOfService must be true");
        refused(with("acceptTermsOfService", null), "acceptTermsOfService must be true");
        refused(with("directoryUrl", "http://acme.example.com/dir"), "https");
        refused(with("directoryUrl", null), "directoryUrl is required");
        refused(with("directoryUrl", "https://user:secret@acme.example.com/dir"), "user information");
        refused(with("domains", List.of()), "at least one");
        refused(with("domains", List.of("10.0.0.7")), "IP address");
        refused(with("domains", List.of("::1")), "IP address");
        refused(with("domains", List.of("*.example.com")), "DNS-01");
        refused(with("domains", List.of("localhost")), "fully qualified");
        refused(with("domains", List.of("bad_name.example.com")), "not a DNS name");
        refused(with("domains", List.of("a.example.com", "A.example.com")), "twice");
        refused(with("email", "not an address"), "email");
        refused(with("directoryCaPem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), "directoryCaPem");
        refused(with("certificateName", "Bad_Name"), "certificateName");
        refused(with("challengeType", "dns-01"), "challengeType must be one of http-01, tls-alpn-01");
        refused(with("externalAccountBinding", Map.of("keyId", "kid-1")), "keyId and hmacKey");
        refused(with("externalAccountBinding", Map.of("keyId", "kid-1", "hmacKey", "not base64url!")), "base64url");
        refused(with("externalAccountBinding", Map.of("keyId", "kid-1", "hmacKey", "c2hvcnQ")), "shorter than 16 bytes");
        admin().body(with("unknownField", 1)).put("/api/v1/tls/acme").then().statusCode(400)
                .body("detail", containsString("unknownField"));
        admin().get("/api/v1/tls/acme").then().statusCode(404);
        GatewayClient.api().get("/q/health/ready").then().body("checks.find { it.name == 'acme' }.data.managed", equalTo(false));
    }

    @Test
    void anAcceptedRequestIsShownWithoutSecretsAndDeleteStops() throws Exception {
        Map<String, Object> body = with("externalAccountBinding", Map.of("keyId", "kid-1",
                "hmacKey", "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W"));
        body.put("directoryCaPem", TestPki.pem(TestPki.ca("ACME API test CA").certificate()));
        body.put("certificateName", "api-test");
        String shown = admin().body(body).put("/api/v1/tls/acme").then().statusCode(202)
                .body("domains", equalTo(List.of("db.example.com")))
                .body("certificateName", equalTo("api-test"))
                .body("directoryCaSet", equalTo(true))
                .body("account.externalAccountBinding", equalTo(true))
                .body("domainStates[0].name", equalTo("db.example.com"))
                .extract().asString();
        try {
            if (shown.contains("zWNDZM6e") || shown.contains("BEGIN")) {
                throw new AssertionError("a secret is shown: " + shown);
            }
            GatewayClient.api().auth().oauth2(ADMIN_TOKEN_VALUE).get("/api/v1/tls/acme").then().statusCode(200)
                    .body("email", equalTo("ops@example.com"));
        } finally {
            admin().delete("/api/v1/tls/acme").then().statusCode(204);
        }
        admin().get("/api/v1/tls/acme").then().statusCode(404);
    }

    @Test
    void theChallengeEndpointAnswersOnlyTokensOfOrdersInProgressWithoutAToken() {
        String token = "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA";
        String keyAuthorization = token + ".9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI";
        tokens.add(token, keyAuthorization);
        try {
            GatewayClient.api().get("/.well-known/acme-challenge/" + token).then().statusCode(200)
                    .contentType(startsWith("text/plain")).body(equalTo(keyAuthorization));
            GatewayClient.api().get("/.well-known/acme-challenge/unknownToken123").then().statusCode(404).body(emptyString());
            GatewayClient.api().get("/.well-known/acme-challenge/" + token + "/more").then().statusCode(404);
            GatewayClient.api().get("/.well-known/acme-challenge/a.b").then().statusCode(404).body(emptyString());
            GatewayClient.api().urlEncodingEnabled(false).get("/.well-known/acme-challenge/..%2F..%2Fq%2Fhealth").then()
                    .statusCode(404).body(emptyString());
            GatewayClient.api().get("/.well-known/acme-challenge/").then().statusCode(404);
            GatewayClient.api().get("/.well-known/acme-challenge/" + "a".repeat(129)).then().statusCode(404);
        } finally {
            tokens.remove(token);
        }
        GatewayClient.api().get("/.well-known/acme-challenge/" + token).then().statusCode(404).body(emptyString());
        // The API stays closed to callers without a token.
        GatewayClient.api().get("/api/v1/tls/acme").then().statusCode(401);
    }

    /** What another replica sharing the store would have written while it runs an order. */
    private void storeAsAnotherReplica(AcmeConfig.Lease lease, Map<String, String> challenges) {
        store.update(ConfigStore.ANY_VERSION, c -> c.withTls(c.tls().withAcme(new AcmeConfig("https://127.0.0.1:9/dir", null,
                List.of("replica.example.com"), null, null, null, null, null, null, lease, challenges, null, Map.of()))));
    }

    @Test
    void aTokenAnotherReplicaPublishedInTheStoreIsAnsweredHereAndOnlyAsAKeyAuthorization() {
        String token = "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0";
        String keyAuthorization = token + ".9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI";
        String other = "bm90LWEta2V5LWF1dGhvcml6YXRpb24";
        storeAsAnotherReplica(new AcmeConfig.Lease("other-replica/1/abc", System.currentTimeMillis() + 3_600_000),
                Map.of(token, keyAuthorization, other, "<script>alert(1)</script>"));
        try {
            GatewayClient.api().get("/.well-known/acme-challenge/" + token).then().statusCode(200)
                    .contentType(startsWith("text/plain")).body(equalTo(keyAuthorization));
            GatewayClient.api().get("/.well-known/acme-challenge/" + other).then().statusCode(404).body(emptyString());
        } finally {
            admin().delete("/api/v1/tls/acme").then().statusCode(204);
        }
        GatewayClient.api().get("/.well-known/acme-challenge/" + token).then().statusCode(404);
    }

    @Test
    void whileAnotherReplicaHoldsTheOrderLeaseThisOneRunsNoOrder() throws Exception {
        storeAsAnotherReplica(new AcmeConfig.Lease("other-replica/1/abc", System.currentTimeMillis() + 3_600_000), Map.of());
        try {
            manager.checkNow();
            Thread.sleep(1500);
            admin().get("/api/v1/tls/acme").then().statusCode(200)
                    .body("order.replica", equalTo("other-replica/1/abc"))
                    .body("order.step", containsString("another replica"))
                    .body("lastError", org.hamcrest.Matchers.nullValue())
                    .body("consecutiveFailures", equalTo(0))
                    .body("account.registered", equalTo(false))
                    .body("domainStates[0].state", equalTo("pending"));
            // The lease lapses (its holder stopped mid-order): this replica runs the order (here failing, no CA there).
            storeAsAnotherReplica(new AcmeConfig.Lease("other-replica/1/abc", System.currentTimeMillis() - 1), Map.of());
            manager.checkNow();
            long deadline = System.nanoTime() + 30_000_000_000L;
            String error = null;
            while (error == null && System.nanoTime() < deadline) {
                Thread.sleep(200);
                error = admin().get("/api/v1/tls/acme").then().statusCode(200).extract().path("lastError");
            }
            if (error == null) {
                throw new AssertionError("no order ran after the lease lapsed");
            }
            // An unreachable CA is found before the claim is taken: no live claim is left behind, and nothing was written.
            AcmeConfig.Lease left = store.current().tls().acme().lease();
            if (left != null && left.untilEpochMillis() > System.currentTimeMillis()) {
                throw new AssertionError("a live lease is left after the order: " + store.current().tls().acme());
            }
        } finally {
            admin().delete("/api/v1/tls/acme").then().statusCode(204);
        }
    }
}
