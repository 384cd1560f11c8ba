package io.portcullis.tls;

import io.portcullis.config.FileConfigStore;
import io.portcullis.testing.ServedCertificate;
import io.portcullis.testing.TestPki;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link TlsAdministration} with {@code portcullis.tls.cert-file}: a listener serving the file's certificate
 * picks up a replacement within two seconds, keeps the old one when the new file is bad, and the API
 * path refuses to install a certificate. Runs TlsAdministration and the watcher outside CDI on a plain Vert.x.
 */
class TlsAdministrationFileWatchTest {

    @TempDir
    Path dir;
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void replacedFileIsServedWithinTwoSecondsAndABadOneIsIgnored() throws Exception {
        TestPki.Issued ca = TestPki.ca("Watch CA");
        Instant now = Instant.now();
        TestPki.Issued first = TestPki.server(ca, "localhost", now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)));
        TestPki.Issued second = TestPki.server(ca, "localhost", now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)));
        TestPki.Issued third = TestPki.server(ca, "localhost", now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)));
        Path crt = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        Files.writeString(crt, first.certificatePem());
        Files.writeString(key, first.keyPem());

        TlsAdministration tls = new TlsAdministration();
        tls.settings = settings(crt, key);
        tls.store = new FileConfigStore(dir.resolve("data"), change -> { });
        tls.dataDir = dir.resolve("data");
        tls.certificateChanges = new IgnoredEvents<>();
        tls.init();
        TlsHandshakes handshakes = handshakes(tls);
        NetServer server = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(0))
                .connectHandler(socket -> socket.handler(request -> {
                    socket.write(Buffer.buffer("S"));
                    handshakes.upgradeAfterSslRequest(socket);
                }))
                .listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        CertificateFileWatcher watcher = new CertificateFileWatcher();
        watcher.vertx = vertx;
        watcher.tls = tls;
        watcher.settings = tls.settings;
        watcher.onStart(null);
        // At once, while the watcher's first look may be reloading the same files: no handshake is refused meanwhile.
        assertEquals(first.certificate(), served(server.actualPort()));

        Files.writeString(crt, second.certificatePem());
        Files.writeString(key, second.keyPem());
        awaitServed(server.actualPort(), second.certificate());

        Files.writeString(crt, third.certificatePem()); // key not (yet) replaced: unusable pair
        Thread.sleep(1_500);
        assertEquals(second.certificate(), served(server.actualPort()), "the bad pair is not applied");
        Files.writeString(key, third.keyPem());
        awaitServed(server.actualPort(), third.certificate());

        assertThrows(CertificateSourceConflict.class, () -> tls.installCertificate(TestCertificates.localhost(), false, io.portcullis.config.ConfigStore.ANY_VERSION));
        watcher.onStop(null);
    }

    @Test
    void replacedClientCaFileIsAppliedWithinTwoSeconds() throws Exception {
        TestPki.Issued ca = TestPki.ca("Server CA");
        Instant now = Instant.now();
        TestPki.Issued server = TestPki.server(ca, "localhost", now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)));
        TestPki.Issued firstClientCa = TestPki.ca("First Client CA");
        TestPki.Issued secondClientCa = TestPki.ca("Second Client CA");
        Path crt = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        Path clientCa = dir.resolve("ca.crt");
        Files.writeString(crt, server.certificatePem());
        Files.writeString(key, server.keyPem());
        Files.writeString(clientCa, firstClientCa.certificatePem());

        TlsAdministration tls = new TlsAdministration();
        tls.settings = settings(crt, key, Optional.of(clientCa));
        tls.store = new FileConfigStore(dir.resolve("data"), change -> { });
        tls.dataDir = dir.resolve("data");
        tls.certificateChanges = new IgnoredEvents<>();
        tls.init();
        CertificateFileWatcher watcher = new CertificateFileWatcher();
        watcher.vertx = vertx;
        watcher.tls = tls;
        watcher.settings = tls.settings;
        watcher.onStart(null);
        assertEquals(List.of(firstClientCa.certificate()), tls.state().clientCa().certificates());

        Files.writeString(clientCa, secondClientCa.certificatePem());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (!tls.state().clientCa().certificates().equals(List.of(secondClientCa.certificate()))
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(List.of(secondClientCa.certificate()), tls.state().clientCa().certificates(),
                "the replaced client CA file is in force within 2 s");
        watcher.onStop(null);
    }

    /** The wire path's side, on the administration side under test, as CDI would wire it. */
    private static TlsHandshakes handshakes(TlsAdministration tls) {
        TlsHandshakes handshakes = new TlsHandshakes();
        handshakes.live = tls;
        handshakes.settings = tls.settings;
        handshakes.init();
        return handshakes;
    }

    private static void awaitServed(int port, X509Certificate expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        X509Certificate served = servedOrNull(port);
        while (!expected.equals(served) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            served = servedOrNull(port);
        }
        assertEquals(expected, served, "served within 2 s");
    }

    /**
     * Vert.x 4.5 closes a connection accepted while a listener rebuilds its TLS context (its pending
     * context future has no result yet); a client retries, and so does this poll.
     */
    private static X509Certificate servedOrNull(int port) {
        try {
            return served(port);
        } catch (Exception | AssertionError e) {
            return null;
        }
    }

    private static X509Certificate served(int port) throws Exception {
        return ServedCertificate.read(port);
    }

    private static TlsSettings settings(Path crt, Path key) {
        return settings(crt, key, Optional.empty());
    }

    private static TlsSettings settings(Path crt, Path key, Optional<Path> clientCa) {
        return TestTlsSettings.of(Optional.of(crt), Optional.of(key), clientCa, Duration.ofMillis(200));
    }
}
