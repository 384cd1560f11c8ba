package io.portcullis.tls;

import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.ServedCertificate;
import io.portcullis.testing.TestPki;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;

import static io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code portcullis.tls.sni-cert-dir}: each {@code <name>/tls.crt} + {@code tls.key} (a mounted Kubernetes TLS
 * Secret) is served by SNI from the start, a replaced, added or removed subdirectory is picked up while the gateway
 * runs, a broken one leaves the previous certificates in force, and the API cannot change them (409).
 */
@QuarkusTest
@TestProfile(SniCertificateFilesTest.WithDirectory.class)
class SniCertificateFilesTest {

    /** The directory, made once per JVM: Quarkus loads this class again in its own class loader. */
    static final Path DIR;
    static final TestPki.Issued CA;

    static {
        try {
            String made = System.getProperty("portcullis.test.sni-cert-dir");
            CA = TestPki.ca("SNI Files CA");
            if (made == null) {
                DIR = Files.createTempDirectory("sni-cert-dir-");
                write("files", TestPki.server(CA, "files", List.of("files.example.test"), List.of()));
                System.setProperty("portcullis.test.sni-cert-dir", DIR.toString());
            } else {
                DIR = Path.of(made);
            }
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    public static class WithDirectory implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("portcullis.tls.sni-cert-dir", DIR.toString(), "portcullis.tls.file-check-interval", "200ms");
        }
    }

    static void write(String name, TestPki.Issued issued) throws Exception {
        Path entry = Files.createDirectories(DIR.resolve(name));
        // The key first, then the chain: between the two writes the pair does not match, and must be refused.
        Files.writeString(entry.resolve("tls.key"), issued.keyPem());
        Files.writeString(entry.resolve("tls.crt"), issued.certificatePem());
    }

    @Test
    void theDirectoryIsServedWatchedAndNotWritableThroughTheApi() throws Exception {
        int port = GatewayClient.gatewayPort();
        X509Certificate byDefault = ServedCertificate.read(port);
        X509Certificate first = PemReader.certificates(Files.readString(DIR.resolve("files").resolve("tls.crt"))).get(0);
        assertEquals(first, ServedCertificate.read(port, "files.example.test"), "served from the start");
        GatewayClient.api().auth().oauth2(ADMIN_TOKEN_VALUE).get("/api/v1/tls/certificates/files").then().statusCode(200)
                .body("source", equalTo("file")).body("dnsNames", equalTo(List.of("files.example.test")));

        TestPki.Issued second = TestPki.server(CA, "files", List.of("files.example.test"), List.of());
        write("files", second);
        TestPki.Issued added = TestPki.server(CA, "more", List.of("*.more.example.test"), List.of());
        write("more", added);
        awaitServed(port, "files.example.test", second.certificate());
        awaitServed(port, "x.more.example.test", added.certificate());

        Files.writeString(DIR.resolve("more").resolve("tls.key"), "-----BEGIN PRIVATE KEY-----\nbroken\n-----END PRIVATE KEY-----\n");
        Thread.sleep(1000);
        assertEquals(added.certificate(), ServedCertificate.read(port, "x.more.example.test"), "a broken entry changes nothing");

        Files.delete(DIR.resolve("more").resolve("tls.key"));
        Files.delete(DIR.resolve("more").resolve("tls.crt"));
        Files.delete(DIR.resolve("more"));
        awaitServed(port, "x.more.example.test", byDefault);

        GatewayClient.api().auth().oauth2(ADMIN_TOKEN_VALUE).contentType(ContentType.JSON)
                .body(Map.of("certificateChainPem", second.certificatePem(), "privateKeyPem", second.keyPem()))
                .put("/api/v1/tls/certificates/other").then().statusCode(409);
        GatewayClient.api().auth().oauth2(ADMIN_TOKEN_VALUE).delete("/api/v1/tls/certificates/files").then().statusCode(409);
    }

    private static void awaitServed(int port, String serverName, X509Certificate expected) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        X509Certificate served = ServedCertificate.read(port, serverName);
        while (!expected.equals(served) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            served = ServedCertificate.read(port, serverName);
        }
        assertEquals(expected, served, serverName);
    }
}
