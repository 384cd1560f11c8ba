package io.portcullis.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives a real Vert.x {@link NetServer} whose connections {@link VertxTls} upgrades with a {@link ListenerTlsContext},
 * with JDK client sockets, through both ways into TLS: SSLRequest then upgrade, and PostgreSQL 17 direct TLS.
 */
class VertxTlsTest {

    /** PostgreSQL's SSLRequest: length 8, code 80877103. */
    static final byte[] SSL_REQUEST = {0, 0, 0, 8, 0x04, (byte) 0xD2, 0x16, 0x2F};
    private static final int TIMEOUT_SECONDS = 10;

    private Vertx vertx;
    TlsMaterial material;
    private NetServer server;
    /** The listener's TLS context, as the gateway's. */
    private ListenerTlsContext tls;
    /** Completes with the server side's view of the last TLS start (handshake + ALPN check). */
    CompletableFuture<Void> serverTls;

    /** The engine under test; {@link VertxTlsOpenSslTest} runs every test again with OpenSSL. */
    TlsEngine engine() {
        return TlsEngine.JDK;
    }

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        material = TestCertificates.localhost();
        server = listen(null);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    private NetServer listen(List<String> protocols) throws Exception {
        tls = new ListenerTlsContext(new TlsState(material, ClientTlsMode.REQUIRE, protocols == null ? VertxTls.DEFAULT_PROTOCOLS
                : protocols, List.of(), null, false), engine());
        serverTls = new CompletableFuture<>();
        return vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(0))
                .connectHandler(this::accept)
                .listen()
                .toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /** What the proxy does: look at the first bytes, then upgrade one way or the other, then echo. */
    private void accept(NetSocket socket) {
        socket.handler(first -> {
            socket.handler(decrypted -> socket.write(Buffer.buffer("echo:").appendBuffer(decrypted)));
            Future<Void> started;
            if (first.getByte(0) == 0x16) { // a TLS handshake record: direct TLS
                started = VertxTls.startDirectTls(socket, first, tls, null);
            } else {
                assertArrayEquals(SSL_REQUEST, first.getBytes());
                socket.write(Buffer.buffer("S"));
                started = VertxTls.upgradeAfterSslRequest(socket, tls);
            }
            started.onComplete(result -> {
                if (result.succeeded()) {
                    serverTls.complete(null);
                } else {
                    serverTls.completeExceptionally(result.cause());
                }
            });
        });
    }

    @Test
    void onlyTls12And13CanBeEnabled() {
        assertEquals(Set.of("TLSv1.2", "TLSv1.3"), VertxTls.protocolSet(null));
        assertThrows(IllegalArgumentException.class, () -> VertxTls.protocolSet(List.of("TLSv1.1")));
        CertificateMaterialException refused = assertThrows(CertificateMaterialException.class, () -> ListenerTlsContext.check(
                new TlsState(material, ClientTlsMode.REQUIRE, List.of("TLSv1.3", "TLSv1.1"), List.of(), null, false), engine()));
        assertTrue(refused.getMessage().contains("TLSv1.1"), refused.getMessage());
    }

    @Test
    void sslRequestThenUpgradeNegotiatesTls13() throws Exception {
        try (SSLSocket tls = afterSslRequest(TestCertificates.trusting(material), null, null)) {
            tls.startHandshake();
            assertEquals("TLSv1.3", tls.getSession().getProtocol());
            assertEquals("", tls.getApplicationProtocol(), "no ALPN offered, none selected");
            assertEcho(tls);
        }
        serverTls.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void sslRequestWithAlpnNegotiatesPostgresql() throws Exception {
        try (SSLSocket tls = afterSslRequest(TestCertificates.trusting(material), null, "postgresql")) {
            tls.startHandshake();
            assertEquals("postgresql", tls.getApplicationProtocol());
            assertEcho(tls);
        }
    }

    @Test
    void clientOfferingOnlyOtherAlpnIsRefused() throws Exception {
        try (SSLSocket tls = afterSslRequest(TestCertificates.trusting(material), null, "h2")) {
            assertThrows(SSLException.class, tls::startHandshake);
        }
    }

    @Test
    void serverLimitedToTls13RefusesTls12Client() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        server = listen(List.of("TLSv1.3"));
        try (SSLSocket tls = afterSslRequest(TestCertificates.trusting(material), "TLSv1.2", null)) {
            assertThrows(SSLException.class, tls::startHandshake);
        }
        try (SSLSocket tls = afterSslRequest(TestCertificates.trusting(material), "TLSv1.3", null)) {
            tls.startHandshake();
            assertEquals("TLSv1.3", tls.getSession().getProtocol());
        }
    }

    @Test
    void directTlsWithAlpnSucceeds() throws Exception {
        try (SSLSocket tls = direct(TestCertificates.trusting(material), "postgresql")) {
            tls.startHandshake();
            assertEquals("TLSv1.3", tls.getSession().getProtocol());
            assertEquals("postgresql", tls.getApplicationProtocol());
            assertEcho(tls);
        }
        serverTls.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void directTlsWithTls12Succeeds() throws Exception {
        try (SSLSocket tls = direct(TestCertificates.trusting(material), "postgresql")) {
            tls.setEnabledProtocols(new String[] {"TLSv1.2"});
            tls.startHandshake();
            assertEquals("TLSv1.2", tls.getSession().getProtocol());
            assertEcho(tls);
        }
    }

    @Test
    void directTlsWithoutAlpnIsClosedByServer() throws Exception {
        try (SSLSocket tls = direct(TestCertificates.trusting(material), null)) {
            tls.startHandshake();
            ExecutionException failure = assertThrows(ExecutionException.class,
                    () -> serverTls.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            assertTrue(failure.getCause().getMessage().contains("ALPN"), failure.getCause().getMessage());
            assertEquals(-1, readOrEof(tls.getInputStream()), "server must close the connection");
        }
    }

    @Test
    void swapServesNewCertificateToNewConnections() throws Exception {
        TlsMaterial replacement = TestCertificates.localhost();
        SSLContext trustsBoth = TestCertificates.trusting(material, replacement);
        try (SSLSocket before = afterSslRequest(trustsBoth, null, null)) {
            before.startHandshake();
            assertEquals(material.leaf(), before.getSession().getPeerCertificates()[0]);
        }
        tls.swap(state(replacement, List.of()));
        try (SSLSocket after = afterSslRequest(trustsBoth, null, null)) {
            after.startHandshake();
            X509Certificate served = (X509Certificate) after.getSession().getPeerCertificates()[0];
            assertEquals(replacement.info().sha256Fingerprint(), CertificateInfo.sha256Fingerprint(served));
        }
        try (SSLSocket direct = direct(trustsBoth, "postgresql")) {
            direct.startHandshake();
            assertEquals(replacement.leaf(), direct.getSession().getPeerCertificates()[0]);
        }
    }

    /**
     * A swap while clients connect drops none of them: every connection, whenever it arrives, gets the old certificate
     * or the new one. (With Vert.x 4.5's {@code updateSSLOptions} the listener had no TLS options until the new ones
     * were built, and a connection accepted then was reset: this test failed within a few swaps.)
     */
    @Test
    void connectionsArrivingDuringSwapsAreAllServed() throws Exception {
        TlsMaterial replacement = TestCertificates.localhost();
        SSLContext trustsBoth = TestCertificates.trusting(material, replacement);
        java.util.concurrent.atomic.AtomicBoolean swapping = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicInteger served = new java.util.concurrent.atomic.AtomicInteger();
        CompletableFuture<Void> clients = CompletableFuture.runAsync(() -> {
            while (swapping.get()) {
                try (SSLSocket tls = afterSslRequest(trustsBoth, null, null)) {
                    tls.startHandshake();
                    served.incrementAndGet();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException("connection " + (served.get() + 1) + " failed during swaps", e);
                }
            }
        });
        try {
            // At least 40 swaps and 20 connections in between, whichever takes longer.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            for (int i = 0; (i < 40 || served.get() < 20) && !clients.isDone() && System.nanoTime() < deadline; i++) {
                tls.swap(state(i % 2 == 0 ? replacement : material, List.of()));
            }
        } finally {
            swapping.set(false);
        }
        clients.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertTrue(served.get() >= 20, "only " + served.get() + " connections during the swaps");
    }

    /**
     * A context the engine refuses (built lazily, as on a native start) fails every handshake with the same reason,
     * without being built again for each connection, until a swap to usable settings.
     */
    @Test
    void aRefusedContextIsNotRebuiltPerConnectionAndASwapRepairsIt() {
        ListenerTlsContext broken = new ListenerTlsContext(
                new TlsState(material, ClientTlsMode.REQUIRE, List.of("TLSv1.1"), List.of(), null, false), engine());
        CertificateMaterialException first = assertThrows(CertificateMaterialException.class, broken::current);
        assertTrue(first == assertThrows(CertificateMaterialException.class, broken::current), "built again");
        broken.swap(state(material, List.of()));
        assertTrue(broken.current().isServer(), "a server context once the settings are usable");
    }

    /** A new listener serving {@code state}, as the gateway configures one, in place of the test's default one. */
    private void serve(TlsState state) throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        tls = new ListenerTlsContext(state, engine());
        serverTls = new CompletableFuture<>();
        server = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(0)).connectHandler(this::accept).listen()
                .toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    private static TlsState state(TlsMaterial material, List<String> ciphers) {
        return new TlsState(material, ClientTlsMode.REQUIRE, VertxTls.DEFAULT_PROTOCOLS, ciphers, null, false);
    }

    /** A TLS 1.2 handshake offering only {@code cipher}; the suite negotiated, or null when the server refused. */
    private String tls12Offering(SSLContext trusting, String cipher) throws Exception {
        try (SSLSocket tls = afterSslRequest(trusting, "TLSv1.2", null)) {
            tls.setEnabledCipherSuites(new String[] {cipher});
            tls.startHandshake();
            assertEcho(tls);
            return tls.getSession().getCipherSuite();
        } catch (SSLException refused) {
            return null;
        }
    }

    /**
     * By default TLS 1.2 offers ECDHE with an AEAD cipher only: a client offering nothing but a CBC suite with a
     * SHA-1 MAC, or static RSA key exchange, gets no handshake; one offering ECDHE with AES-GCM does. With an EC
     * certificate (the default material) and with an RSA one.
     */
    @Test
    void tls12DefaultsAreEcdheWithAeadOnly() throws Exception {
        serve(state(material, List.of()));
        SSLContext trustsEc = TestCertificates.trusting(material);
        assertNull(tls12Offering(trustsEc, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"), "CBC with SHA-1 is refused");
        assertNull(tls12Offering(trustsEc, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"), "CBC is refused");
        assertEquals("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", tls12Offering(trustsEc, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"));

        io.portcullis.testing.TestPki.Issued rsa = io.portcullis.testing.TestPki.selfSignedRsa("localhost");
        TlsMaterial rsaMaterial = TlsMaterial.parse(rsa.certificatePem(), rsa.keyPem());
        serve(state(rsaMaterial, List.of()));
        SSLContext trustsRsa = TestCertificates.trusting(rsaMaterial);
        assertNull(tls12Offering(trustsRsa, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"), "CBC with SHA-1 is refused");
        assertNull(tls12Offering(trustsRsa, "TLS_RSA_WITH_AES_128_GCM_SHA256"), "RSA key exchange is refused");
        assertEquals("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", tls12Offering(trustsRsa, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"));
        assertEquals("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
                tls12Offering(trustsRsa, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"));
        try (SSLSocket tls13 = afterSslRequest(trustsRsa, "TLSv1.3", null)) {
            tls13.startHandshake();
            assertEcho(tls13);
        }
    }

    /** The default list is what {@code ciphers} means when unset; a configured list (PUT /tls) still wins. */
    @Test
    void configuredCiphersStillWin() throws Exception {
        assertTrue(VertxTls.defaultCiphers(engine()).containsAll(List.of("TLS_AES_128_GCM_SHA256",
                "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")), VertxTls.defaultCiphers(engine()).toString());
        assertTrue(VertxTls.defaultCiphers(engine()).stream().noneMatch(c -> c.contains("CBC") || c.startsWith("TLS_RSA_")
                || c.endsWith("_SHA") || c.contains("_DHE_")));
        serve(state(material, List.of("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_AES_128_GCM_SHA256")));
        SSLContext trusting = TestCertificates.trusting(material);
        assertEquals("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", tls12Offering(trusting, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"));
        assertNull(tls12Offering(trusting, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"), "only what is configured");
    }

    /** The same with the openssl client, which still offers anything it is told to. */
    @Test
    void opensslTls12CbcClientIsRefusedAndGcmAccepted(@TempDir Path work) throws Exception {
        serve(state(material, List.of()));
        OpenSsl.Result cbc = OpenSsl.tryRun(work, "s_client", "-connect", "127.0.0.1:" + server.actualPort(),
                "-starttls", "postgres", "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA");
        assertTrue(cbc.exitCode() != 0, cbc.output());
        assertTrue(cbc.output().contains("handshake failure") || cbc.output().contains("no cipher"), cbc.output());
        OpenSsl.Result gcm = OpenSsl.tryRun(work, "s_client", "-connect", "127.0.0.1:" + server.actualPort(),
                "-starttls", "postgres", "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256");
        assertTrue(gcm.output().contains("Cipher is ECDHE-ECDSA-AES128-GCM-SHA256"), gcm.output());
    }

    /** openssl can still speak TLSv1.1 (the JDK client cannot), so it proves the server refuses it. */
    @Test
    void opensslTls11ClientIsRefused(@TempDir Path work) throws Exception {
        OpenSsl.Result result = OpenSsl.tryRun(work, "s_client", "-connect", "127.0.0.1:" + server.actualPort(),
                "-starttls", "postgres", "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0");
        assertTrue(result.exitCode() != 0, result.output());
        assertTrue(result.output().contains("alert protocol version"), result.output());
        assertThrows(ExecutionException.class, () -> serverTls.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void opensslStarttlsPostgresNegotiatesAlpn(@TempDir Path work) throws Exception {
        OpenSsl.Result result = OpenSsl.tryRun(work, "s_client", "-connect", "127.0.0.1:" + server.actualPort(),
                "-starttls", "postgres", "-alpn", "postgresql");
        assertTrue(result.output().contains("New, TLSv1.3, Cipher is"), result.output());
        assertTrue(result.output().contains("ALPN protocol: postgresql"), result.output());
    }

    @Test
    void opensslDirectTlsNegotiatesAlpn(@TempDir Path work) throws Exception {
        OpenSsl.Result result = OpenSsl.tryRun(work, "s_client", "-connect", "127.0.0.1:" + server.actualPort(),
                "-alpn", "postgresql");
        assertTrue(result.output().contains("ALPN protocol: postgresql"), result.output());
        serverTls.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    SSLSocket afterSslRequest(SSLContext context, String protocol, String alpn) throws IOException {
        Socket plain = new Socket("127.0.0.1", server.actualPort());
        plain.setSoTimeout(TIMEOUT_SECONDS * 1000);
        OutputStream out = plain.getOutputStream();
        out.write(SSL_REQUEST);
        out.flush();
        assertEquals('S', plain.getInputStream().read());
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, "localhost", server.actualPort(), true);
        clientParameters(tls, protocol, alpn);
        return tls;
    }

    SSLSocket direct(SSLContext context, String alpn) throws IOException {
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", server.actualPort());
        tls.setSoTimeout(TIMEOUT_SECONDS * 1000);
        clientParameters(tls, null, alpn);
        return tls;
    }

    private static void clientParameters(SSLSocket tls, String protocol, String alpn) {
        tls.setUseClientMode(true);
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setServerNames(List.of(new javax.net.ssl.SNIHostName("localhost")));
        if (protocol != null) {
            parameters.setProtocols(new String[] {protocol});
        }
        if (alpn != null) {
            parameters.setApplicationProtocols(new String[] {alpn});
        }
        tls.setSSLParameters(parameters);
    }

    private static void assertEcho(SSLSocket tls) throws IOException {
        tls.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
        tls.getOutputStream().flush();
        byte[] answer = new byte["echo:ping".length()];
        new DataInputStream(tls.getInputStream()).readFully(answer);
        assertEquals("echo:ping", new String(answer, StandardCharsets.US_ASCII));
    }

    static int readOrEof(InputStream in) {
        try {
            return in.read();
        } catch (IOException e) {
            return -1;
        }
    }

    @Test
    void negotiatedProtocolIsNullOnPlainSocket() throws Exception {
        CompletableFuture<String> alpn = new CompletableFuture<>();
        server.close().toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        NetServer plainServer = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(0))
                .connectHandler(socket -> alpn.complete(VertxTls.negotiatedApplicationProtocol(socket)))
                .listen().toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        try (Socket ignored = new Socket("127.0.0.1", plainServer.actualPort())) {
            assertNull(alpn.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        }
    }
}
