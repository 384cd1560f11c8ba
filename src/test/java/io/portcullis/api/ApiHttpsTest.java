package io.portcullis.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.testing.ServedCertificate;
import io.portcullis.tls.CertificateInfo;
import io.portcullis.tls.TlsAdministration;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code portcullis.api.tls=gateway}: the HTTP port speaks HTTPS only, with the wire listener's own
 * certificate, and follows it when it is rotated through the API, at once and without cutting a handshake.
 */
@QuarkusTest
@TestProfile(ApiHttpsTest.GatewayCertificate.class)
class ApiHttpsTest {

    /** The one setting, as an operator would set it. */
    public static class GatewayCertificate implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(ApiTlsConfigSourceFactory.SETTING, GatewayCertificateForHttp.NAME);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> ADMIN = Map.of("Authorization", "Bearer " + ADMIN_TOKEN_VALUE);

    @Inject
    TlsAdministration tls;

    @Test
    void theHttpPortServesTheGatewayCertificateAndFollowsItsRotation() throws Exception {
        // The HTTP port in tests is a random one; Quarkus publishes where it listens.
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-ssl-port", Integer.class);
        int wirePort = ConfigProvider.getConfig().getValue("portcullis.listen.port", Integer.class);
        X509Certificate wire = ServedCertificate.read(wirePort);
        assertEquals(wire, RawHttp.servedCertificate(port), "the HTTP port shows the wire listener's certificate");
        assertEquals(tls.material().leaf(), wire);

        assertEquals(200, RawHttp.sendTls(port, "GET", "/q/health/live", Map.of(), null).status());
        assertEquals(401, RawHttp.sendTls(port, "GET", "/api/v1/tls", Map.of(), null).status());
        assertEquals(200, RawHttp.sendTls(port, "GET", "/api/v1/tls", ADMIN, null).status());
        assertPlainHttpRefused(port);
        assertHttp2Answers(port);

        // New HTTPS connections all through the rotation: none may be cut (Quarkus's own reload would reset some).
        AtomicBoolean rotating = new AtomicBoolean(true);
        AtomicInteger handshakes = new AtomicInteger();
        CompletableFuture<Void> clients = CompletableFuture.runAsync(() -> {
            while (rotating.get()) {
                try {
                    RawHttp.servedCertificate(port);
                    handshakes.incrementAndGet();
                } catch (IOException e) {
                    throw new UncheckedIOException("HTTPS handshake " + (handshakes.get() + 1) + " cut during the rotation", e);
                }
            }
        });
        RawHttp.Answer rotated;
        try {
            rotated = RawHttp.sendTls(port, "POST", "/api/v1/tls/certificate/self-signed", ADMIN,
                    "{\"commonName\":\"rotated.example\",\"subjectAltNames\":[\"localhost\",\"127.0.0.1\"],\"validDays\":30}");
            Thread.sleep(300); // and after it
        } finally {
            rotating.set(false);
        }
        clients.get(10, TimeUnit.SECONDS);
        assertTrue(handshakes.get() > 0);
        assertEquals(200, rotated.status(), rotated.toString());
        JsonNode certificate = JSON.readTree(rotated.body()).get("certificate");
        String fingerprint = certificate.get("sha256Fingerprint").asText();
        assertNotEquals(CertificateInfo.of(wire).sha256Fingerprint(), fingerprint);
        // At once: the rotation is in force when the API answers.
        assertEquals(fingerprint, CertificateInfo.of(RawHttp.servedCertificate(port)).sha256Fingerprint(),
                "the HTTP port serves the rotated certificate");
        assertEquals(fingerprint, CertificateInfo.of(ServedCertificate.read(wirePort)).sha256Fingerprint());
        assertEquals(200, RawHttp.sendTls(port, "GET", "/api/v1/tls", ADMIN, null).status(), "and answers with it");
    }

    /** Clients that negotiate HTTP/2 (curl, browsers) are answered too, not only HTTP/1.1 ones. */
    private static void assertHttp2Answers(int port) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                .sslContext(ServedCertificate.trustingAnything()).build();
        HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/api/v1/tls"))
                .header("Authorization", ADMIN.get("Authorization")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(HttpClient.Version.HTTP_2, answer.version());
        assertEquals(200, answer.statusCode(), answer.body());
    }

    /** Plain HTTP on the HTTPS port gets no answer of the API: there is no plain listener left. */
    private static void assertPlainHttpRefused(int port) {
        try {
            RawHttp.Answer plain = RawHttp.send(port, "GET", "/api/v1/tls", ADMIN, null);
            assertTrue(plain.status() >= 400 && !plain.body().contains("certificate"), "plain HTTP answered " + plain);
        } catch (IOException refused) {
            // the TLS layer closed the connection: what a plain client should meet
        }
    }
}
