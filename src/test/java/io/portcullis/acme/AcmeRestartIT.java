package io.portcullis.acme;

import io.portcullis.testing.FreePorts;
import io.portcullis.testing.PackagedApplication;
import io.portcullis.testing.ServedCertificate;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The packaged gateway (JVM or native, whichever was built) gets a certificate from Pebble, then restarts on the same
 * data directory: it serves the same certificate at once and keeps the same account, its key opened from the store
 * (sealed there), with no new registration or order.
 */
class AcmeRestartIT {

    static final String DOMAIN = "restart.acme-test.example.com";

    private Process gateway;
    private PebbleServer pebble;

    @AfterEach
    void stop() throws Exception {
        if (gateway != null) {
            gateway.destroy();
            gateway.waitFor(10, TimeUnit.SECONDS);
        }
        if (pebble != null) {
            pebble.close();
        }
    }

    private static RequestSpecification api(int port) {
        return RestAssured.given().baseUri("http://127.0.0.1").port(port).auth().oauth2(ADMIN_TOKEN_VALUE).contentType(ContentType.JSON);
    }

    private Process start(Path dataDir, int wirePort, int httpPort, Path log) throws Exception {
        Map<String, String> properties = PackagedApplication.gatewayProperties(dataDir, wirePort, httpPort, ADMIN_TOKEN_VALUE);
        properties.put("portcullis.shutdown.delay", "0s");
        Process process = new ProcessBuilder(PackagedApplication.built().command(properties)).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        PackagedApplication.awaitReady(process, httpPort, log, Duration.ofSeconds(90));
        return process;
    }

    @Test
    void aRestartServesTheSameCertificateWithTheSameAccountAndOrdersNothing() throws Exception {
        assumeTrue(PebbleServer.installed(), "pebble is not installed");
        Path dataDir = Files.createTempDirectory(Path.of("target"), "acme-restart-");
        int wirePort = FreePorts.next();
        int httpPort = FreePorts.next();
        gateway = start(dataDir, wirePort, httpPort, dataDir.resolve("first.log"));
        pebble = new PebbleServer(httpPort);
        api(httpPort).body(Map.of("directoryUrl", pebble.directoryUrl(), "email", "ops@example.com", "domains", List.of(DOMAIN),
                "acceptTermsOfService", true, "directoryCaPem", pebble.caPem())).put("/api/v1/tls/acme").then().statusCode(202);
        JsonPath issued = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            issued = api(httpPort).get("/api/v1/tls/acme").then().statusCode(200).extract().jsonPath();
            if ("valid".equals(issued.getString("domainStates[0].state"))) {
                break;
            }
            Thread.sleep(250);
        }
        assertEquals("valid", issued.getString("domainStates[0].state"), issued.prettify() + "\n"
                + Files.readString(dataDir.resolve("first.log")));
        X509Certificate served = ServedCertificate.read(wirePort, DOMAIN);
        String account = issued.getString("account.location");

        gateway.destroy();
        assertTrue(gateway.waitFor(30, TimeUnit.SECONDS), "the first run stops");
        String stored = Files.readString(dataDir.resolve("config.json"), StandardCharsets.UTF_8);
        assertFalse(stored.contains("PRIVATE KEY"), "no key in clear at rest");

        Path secondLog = dataDir.resolve("second.log");
        gateway = start(dataDir, wirePort, httpPort, secondLog);
        assertEquals(served, ServedCertificate.read(wirePort, DOMAIN), "the same certificate after the restart");
        JsonPath after = api(httpPort).get("/api/v1/tls/acme").then().statusCode(200).extract().jsonPath();
        assertEquals(account, after.getString("account.location"), "the same account");
        assertEquals("valid", after.getString("domainStates[0].state"));
        Thread.sleep(1000);
        String log = Files.readString(secondLog);
        assertFalse(log.contains("registered the ACME account") || log.contains("installed the ACME certificate")
                || log.contains("ACME order for"), "no registration or order after the restart:\n" + log);
    }
}
