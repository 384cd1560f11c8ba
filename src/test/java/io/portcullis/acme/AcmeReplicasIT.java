package io.portcullis.acme;

import io.portcullis.testing.Backends;
import io.portcullis.testing.FreePorts;
import io.portcullis.testing.PackagedApplication;
import io.portcullis.testing.PackagedReplicas;
import io.portcullis.testing.PackagedReplicas.Replica;
import io.portcullis.testing.PostgresServer;
import io.portcullis.testing.ServedCertificate;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Two packaged replicas on one PostgreSQL store, on the same HTTP port of two loopback addresses (127.0.0.1 and
 * 127.0.0.2), so the mock DNS decides which one the CA reaches: the request goes to the first, the domain points at
 * the second. The first runs the order (it holds the lease), the second answers the challenge it finds in the store
 * (an HTTP-01 token; a TLS-ALPN-01 key authorization, the wire listeners then sharing a port on the two addresses), and
 * both wire ports then serve the same certificate from Pebble.
 */
class AcmeReplicasIT {

    static final String DOMAIN = "replicas.acme-test.example.com";

    private PackagedReplicas cluster;
    private PebbleServer pebble;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (pebble != null) {
            pebble.close();
        }
    }

    private static RequestSpecification api(String host, int port) {
        return RestAssured.given().baseUri("http://" + host).port(port).auth().oauth2(ADMIN_TOKEN_VALUE).contentType(ContentType.JSON);
    }

    @Test
    void oneReplicaOrdersTheOtherAnswersTheChallengeAndBothServeTheCertificate() throws Exception {
        assumeTrue(PebbleServer.installed(), "pebble is not installed");
        int httpPort = FreePorts.next();
        Replica[] pair = startPair(httpPort, Map.of("quarkus.http.port", Integer.toString(httpPort)));
        pebble = new PebbleServer(httpPort);
        orderThroughTheFirstAnsweredByTheSecond(pair, httpPort, "http-01", first -> ServedCertificate.read(
                InetAddress.getByName(first ? "127.0.0.1" : "127.0.0.2"), first ? pair[0].wirePort() : pair[1].wirePort(),
                DOMAIN));
    }

    /**
     * TLS-ALPN-01: the replicas' wire listeners share a port on the two addresses, which is where Pebble validates (its
     * HTTP-01 port has nothing listening). The second replica answers with a challenge certificate it made itself from
     * the key authorization the first published in the store.
     */
    @Test
    void tlsAlpn01IsAnsweredByTheReplicaTheCaReaches() throws Exception {
        assumeTrue(PebbleServer.installed(), "pebble is not installed");
        int httpPort = FreePorts.next();
        int wirePort = FreePorts.next();
        Replica[] pair = startPair(httpPort, Map.of("quarkus.http.port", Integer.toString(httpPort),
                "portcullis.listen.port", Integer.toString(wirePort)));
        pebble = new PebbleServer(FreePorts.next(), wirePort, Map.of());
        orderThroughTheFirstAnsweredByTheSecond(pair, httpPort, "tls-alpn-01", first -> ServedCertificate.read(
                InetAddress.getByName(first ? "127.0.0.1" : "127.0.0.2"), wirePort, DOMAIN));
    }

    /** The certificate one replica serves for {@code DOMAIN}. */
    private interface Served {
        X509Certificate by(boolean first) throws Exception;
    }

    /** Two replicas: the first on 127.0.0.1, the second on 127.0.0.2 ({@code extra} for both, host aside), ready. */
    private Replica[] startPair(int httpPort, Map<String, String> extra) throws Exception {
        PostgresServer pg = Backends.postgres();
        cluster = new PackagedReplicas(pg, "acme_rep");
        String secretKey = PackagedReplicas.newSecretKey();
        Map<String, String> onFirst = new HashMap<>(extra);
        onFirst.putAll(Map.of("portcullis.replica.name", "acme-a", "quarkus.http.host", "127.0.0.1",
                "portcullis.listen.host", "127.0.0.1"));
        Map<String, String> onSecond = new HashMap<>(extra);
        onSecond.putAll(Map.of("portcullis.replica.name", "acme-b", "quarkus.http.host", "127.0.0.2",
                "portcullis.listen.host", "127.0.0.2"));
        Replica first = cluster.start("acme-a", secretKey, onFirst);
        Replica second = cluster.start("acme-b", secretKey, onSecond);
        PackagedApplication.awaitReady(first.process(), httpPort, first.log(), PackagedReplicas.START_TIMEOUT);
        awaitReady(second, httpPort);
        return new Replica[] {first, second};
    }

    private void orderThroughTheFirstAnsweredByTheSecond(Replica[] pair, int httpPort, String challengeType, Served served)
            throws Exception {
        Replica first = pair[0];
        Replica second = pair[1];
        pebble.pointAt(DOMAIN, "127.0.0.2");
        api("127.0.0.1", httpPort).body(Map.of("directoryUrl", pebble.directoryUrl(), "domains", List.of(DOMAIN),
                "acceptTermsOfService", true, "directoryCaPem", pebble.caPem(), "challengeType", challengeType))
                .put("/api/v1/tls/acme").then().statusCode(202);

        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        JsonPath status = null;
        while (System.nanoTime() < deadline) {
            // 404 until the second replica has read the PUT from the shared store (a fast start gets there first).
            io.restassured.response.Response answer = api("127.0.0.2", httpPort).get("/api/v1/tls/acme");
            if (answer.statusCode() == 200) {
                status = answer.jsonPath();
                if ("valid".equals(status.getString("domainStates[0].state"))) {
                    break;
                }
            } else {
                assertEquals(404, answer.statusCode(), answer.asString());
            }
            Thread.sleep(250);
        }
        assertNotNull(status, "the second replica never showed the ACME configuration within 90 s");
        assertEquals("valid", status.getString("domainStates[0].state"), "the second replica serves it: " + status.prettify()
                + "\nfirst: " + Files.readString(first.log()) + "\nsecond: " + Files.readString(second.log())
                + "\npebble: " + pebble.log());
        assertEquals(challengeType, status.getString("challengeType"));

        X509Certificate fromFirst = served.by(true);
        X509Certificate fromSecond = served.by(false);
        assertEquals(fromFirst, fromSecond, "both replicas serve the same certificate");
        X509Certificate intermediate = pebble.intermediate();
        assertEquals(intermediate.getSubjectX500Principal(), fromFirst.getIssuerX500Principal());
        fromFirst.verify(intermediate.getPublicKey());

        String firstLog = Files.readString(first.log());
        String secondLog = Files.readString(second.log());
        assertTrue(firstLog.contains("installed the ACME certificate for " + DOMAIN), "the first replica ran the order");
        assertFalse(secondLog.contains("installed the ACME certificate"), "the second ran none");
    }

    private static void awaitReady(Replica replica, int httpPort) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI ready = URI.create("http://127.0.0.2:" + httpPort + "/q/health/ready");
        long deadline = System.nanoTime() + PackagedReplicas.START_TIMEOUT.toNanos();
        while (PackagedApplication.httpStatus(http, ready) != 200) {
            if (System.nanoTime() - deadline > 0 || !replica.process().isAlive()) {
                throw new IllegalStateException("replica " + replica.name() + " did not become ready; log: "
                        + Files.readString(replica.log()));
            }
            Thread.sleep(200);
        }
    }
}
