package io.portcullis.acme;

import io.portcullis.testing.FreePorts;
import io.portcullis.testing.TestPki;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Let's Encrypt's test ACME server (Debian's {@code pebble}) and its mock DNS ({@code pebble-challtestsrv}, every name
 * 127.0.0.1 unless told otherwise) on loopback, for the duration of a test class. Pebble's HTTPS certificate comes from
 * a throw-away CA ({@link #caPem}), passed to the gateway as {@code directoryCaPem}; its {@code httpPort}, where it
 * validates HTTP-01, is the gateway's HTTP port, and its {@code tlsPort}, where it validates TLS-ALPN-01, the wire port
 * when a test asks for it. No sleeping before validation, no nonce rejection, no authorization
 * reuse: each order validates again, quickly and the same way every time.
 */
final class PebbleServer implements AutoCloseable {

    static final Path PEBBLE = Path.of("/usr/bin/pebble");
    static final Path CHALLTESTSRV = Path.of("/usr/bin/pebble-challtestsrv");

    private final Path dir;
    private final int acmePort;
    private final int managementPort;
    private final int dnsPort;
    private final int challManagementPort;
    private final String caPem;
    private final HttpClient https;
    private final HttpClient http = HttpClient.newHttpClient();
    private Process dns;
    private Process pebble;

    static boolean installed() {
        return Files.isExecutable(PEBBLE) && Files.isExecutable(CHALLTESTSRV);
    }

    PebbleServer(int httpPort) throws Exception {
        this(httpPort, FreePorts.next(), Map.of());
    }

    PebbleServer(int httpPort, Map<String, String> eabKeys) throws Exception {
        this(httpPort, FreePorts.next(), eabKeys);
    }

    /**
     * @param eabKeys external account binding key ids and their HMAC keys (base64url); when given, Pebble requires a
     *                binding with one of them for every new account
     * @param httpPort where Pebble validates HTTP-01
     * @param tlsPort  where Pebble validates TLS-ALPN-01
     */
    PebbleServer(int httpPort, int tlsPort, Map<String, String> eabKeys) throws Exception {
        dir = Files.createTempDirectory("pebble-");
        acmePort = FreePorts.next();
        managementPort = FreePorts.next();
        dnsPort = FreePorts.next();
        challManagementPort = FreePorts.next();
        TestPki.Issued ca = TestPki.ca("Pebble HTTPS test CA");
        TestPki.Issued server = TestPki.server(ca, "localhost", List.of("localhost"), List.of("127.0.0.1"));
        caPem = TestPki.pem(ca.certificate());
        Files.writeString(dir.resolve("cert.pem"), server.certificatePem());
        Files.writeString(dir.resolve("key.pem"), server.keyPem());
        Files.writeString(dir.resolve("config.json"), """
                {"pebble": {"listenAddress": "127.0.0.1:%d", "managementListenAddress": "127.0.0.1:%d",
                  "certificate": "%s", "privateKey": "%s", "httpPort": %d, "tlsPort": %d,
                  "ocspResponderURL": "", "externalAccountBindingRequired": %s, "externalAccountMACKeys": {%s}}}
                """.formatted(acmePort, managementPort, dir.resolve("cert.pem"), dir.resolve("key.pem"), httpPort,
                tlsPort, !eabKeys.isEmpty(), String.join(",", eabKeys.entrySet().stream()
                        .map(e -> "\"" + e.getKey() + "\": \"" + e.getValue() + "\"").toList())));
        https = HttpClient.newBuilder().sslContext(trusting(caPem)).connectTimeout(Duration.ofSeconds(5)).build();
        try {
            dns = start(List.of(CHALLTESTSRV.toString(), "-defaultIPv4", "127.0.0.1", "-defaultIPv6", "",
                    "-dns01", "127.0.0.1:" + dnsPort, "-http01", "", "-https01", "", "-tlsalpn01", "",
                    "-management", "127.0.0.1:" + challManagementPort), "challtestsrv.log", Map.of());
            waitForPort(challManagementPort);
            pebble = start(List.of(PEBBLE.toString(), "-config", dir.resolve("config.json").toString(),
                    "-dnsserver", "127.0.0.1:" + dnsPort), "pebble.log",
                    Map.of("PEBBLE_VA_NOSLEEP", "1", "PEBBLE_WFE_NONCEREJECT", "0", "PEBBLE_AUTHZREUSE", "0"));
            waitForPort(acmePort);
            waitForPort(managementPort);
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    private Process start(List<String> command, String log, Map<String, String> env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(log).toFile()).directory(dir.toFile());
        builder.environment().putAll(env);
        return builder.start();
    }

    private void waitForPort(int port) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("port " + port + " did not open; see " + dir);
    }

    String directoryUrl() {
        return "https://127.0.0.1:" + acmePort + "/dir";
    }

    /** The CA of Pebble's HTTPS certificate: {@code directoryCaPem}. */
    String caPem() {
        return caPem;
    }

    /** The intermediate Pebble issues with now (it generates its chain at start). */
    X509Certificate intermediate() throws Exception {
        return managementCertificate("/intermediates/0");
    }

    /** Pebble's root for this run: what a client verifying the issued certificates trusts. */
    X509Certificate root() throws Exception {
        return managementCertificate("/roots/0");
    }

    private X509Certificate managementCertificate(String path) throws Exception {
        HttpResponse<byte[]> response = https.send(HttpRequest.newBuilder(
                URI.create("https://127.0.0.1:" + managementPort + path)).build(), HttpResponse.BodyHandlers.ofByteArray());
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(response.body()));
    }

    /** Makes the mock DNS answer {@code host} with {@code address} (so the CA looks for the token elsewhere). */
    void pointAt(String host, String address) throws Exception {
        management("/add-a", "{\"host\":\"" + host + "\",\"addresses\":[\"" + address + "\"]}");
    }

    /** Back to the default answer, 127.0.0.1. */
    void clearPointing(String host) throws Exception {
        management("/clear-a", "{\"host\":\"" + host + "\"}");
    }

    private void management(String path, String json) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + challManagementPort + path))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    /** Pebble's log so far, for failure messages. */
    String log() {
        try {
            return Files.readString(dir.resolve("pebble.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        for (Process process : new Process[] {pebble, dns}) {
            if (process != null) {
                process.destroy();
                try {
                    if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static SSLContext trusting(String pem) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))));
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}
