package io.portcullis.pool;

import io.portcullis.config.DatabaseConfig;
import io.portcullis.config.PoolMode;
import io.portcullis.config.SecretBox;
import io.portcullis.config.ServerTls;
import io.portcullis.testing.TestPki;
import io.portcullis.tls.BackendTlsDefaults;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The TLS negotiation of {@link ServerLogin} against a scripted backend: what it does with each answer to its
 * SSLRequest, the SNI name it sends, and the words for an expired certificate (the cases a real PostgreSQL is
 * not made to show; {@code tls.BackendTlsTest} covers the rest against one).
 */
class ServerLoginTlsTest {

    private final Vertx vertx = Vertx.vertx();
    private final SecretBox secrets = new SecretBox(new byte[SecretBox.KEY_BYTES], new SecureRandom());

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** A backend that reads the 8-byte SSLRequest and hands the socket to {@code answer}. */
    private int backend(NetServerOptions options, Consumer<NetSocket> answer) throws Exception {
        NetServer server = vertx.createNetServer(options.setHost("127.0.0.1").setPort(0));
        server.connectHandler(socket -> {
            Buffer request = Buffer.buffer();
            socket.handler(chunk -> {
                request.appendBuffer(chunk);
                if (request.length() == 8) {
                    socket.handler(null);
                    answer.accept(socket);
                }
            });
        });
        return server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
    }

    private static DatabaseConfig db(String host, int port, ServerTls mode, String serverCa) {
        return new DatabaseConfig("orders", host, port, "app", "app", null, mode, PoolMode.SESSION, 1, 0, 0, 0,
                serverCa, null, null);
    }

    /** The login's failure message, from the event loop the pool would run it on. */
    private String failure(DatabaseConfig db) throws Exception {
        return failure(db, BackendTlsDefaults.none());
    }

    private String failure(DatabaseConfig db, BackendTlsDefaults defaults) throws Exception {
        CompletableFuture<ServerConnection> result = new CompletableFuture<>();
        vertx.runOnContext(v -> {
            BackendClients clients = new BackendClients(vertx, secrets, defaults);
            io.vertx.core.net.NetClient client;
            try {
                client = clients.client(db, Duration.ofSeconds(5));
            } catch (RuntimeException e) { // as Pool.login does
                result.completeExceptionally(BackendUnavailable.refused(db, e.getMessage()));
                return;
            }
            new ServerLogin(vertx, client, db, null, Duration.ofSeconds(10), 1)
                    .start().onComplete(ar -> {
                        if (ar.succeeded()) {
                            result.complete(ar.result());
                        } else {
                            result.completeExceptionally(ar.cause());
                        }
                    });
        });
        ExecutionException e = assertThrows(ExecutionException.class, () -> result.get(20, TimeUnit.SECONDS));
        BackendUnavailable unavailable = assertInstanceOf(BackendUnavailable.class, e.getCause());
        assertEquals("08001", unavailable.sqlState().code());
        assertTrue(unavailable.getMessage().contains("database \"orders\" at " + db.backendAddress()), unavailable.getMessage());
        return unavailable.getMessage();
    }

    @Test
    void bytesAfterTheAnswerBeforeEncryptionFailTheLogin() throws Exception {
        int port = backend(new NetServerOptions(), socket -> socket.write(Buffer.buffer("SR\0\0\0\10\0\0\0\0")));
        String message = failure(db("127.0.0.1", port, ServerTls.REQUIRE, null));
        assertTrue(message.contains("unexpected byte(s) after its answer to the TLS request"), message);
    }

    @Test
    void anAnswerThatIsNeitherSNorNFailsTheLogin() throws Exception {
        int port = backend(new NetServerOptions(), socket -> socket.write(Buffer.buffer("H")));
        String message = failure(db("127.0.0.1", port, ServerTls.PREFER, null));
        assertTrue(message.contains("0x48, neither S nor N"), message);
    }

    @Test
    void anExpiredCertificateIsNamedAndTheHostIsSentAsSni() throws Exception {
        TestPki.Issued ca = TestPki.ca("Expired Test CA");
        Instant now = Instant.now();
        TestPki.Issued expired = TestPki.server(ca, "localhost", now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1)));
        CompletableFuture<String> sni = new CompletableFuture<>();
        NetServerOptions tls = new NetServerOptions().setSni(true).setKeyCertOptions(new PemKeyCertOptions()
                .setCertValue(Buffer.buffer(expired.certificatePem())).setKeyValue(Buffer.buffer(expired.keyPem())));
        int port = backend(tls, socket -> {
            socket.write(Buffer.buffer("S"));
            socket.upgradeToSsl().onComplete(ar -> sni.complete(socket.indicatedServerName()));
        });
        String message = failure(db("localhost", port, ServerTls.VERIFY_FULL, ca.certificatePem()));
        assertTrue(message.contains("certificate expired"), message);
        // The handshake fails on the client's side after the server has seen the ClientHello (and its SNI).
        assertEquals("localhost", sni.get(10, TimeUnit.SECONDS));
    }

    /** verify-* without a serverCa uses the process-wide default CA, and is refused without one. */
    @Test
    void theDefaultCaIsTrustedWhereADatabaseHasNoServerCa() throws Exception {
        TestPki.Issued ca = TestPki.ca("Default CA");
        TestPki.Issued cert = TestPki.server(ca, "backend", List.of("localhost"), List.of("127.0.0.1"));
        NetServerOptions tls = new NetServerOptions().setKeyCertOptions(new PemKeyCertOptions()
                .setCertValue(Buffer.buffer(cert.certificatePem())).setKeyValue(Buffer.buffer(cert.keyPem())));
        int port = backend(tls, socket -> {
            socket.write(Buffer.buffer("S"));
            socket.upgradeToSsl().onComplete(ar -> socket.close());
        });
        DatabaseConfig noCa = db("127.0.0.1", port, ServerTls.VERIFY_FULL, null);
        String trusted = failure(noCa, BackendTlsDefaults.of(io.portcullis.tls.BackendCa.parse(ca.certificatePem(), "test")));
        assertTrue(trusted.contains("closed the connection during login"), "TLS succeeded: " + trusted);
        String other = failure(noCa, BackendTlsDefaults.of(io.portcullis.tls.BackendCa.parse(
                TestPki.ca("Other").certificatePem(), "test")));
        assertTrue(other.contains("unknown CA"), other);
        String none = failure(noCa, BackendTlsDefaults.none());
        assertTrue(none.contains("needs the CA certificates to trust"), none);
    }

    @Test
    void noSniIsSentForAnIpAddress() throws Exception {
        TestPki.Issued ca = TestPki.ca("SNI Test CA");
        TestPki.Issued cert = TestPki.server(ca, "backend", List.of("localhost"), List.of("127.0.0.1"));
        CompletableFuture<String> sni = new CompletableFuture<>();
        NetServerOptions tls = new NetServerOptions().setSni(true).setKeyCertOptions(new PemKeyCertOptions()
                .setCertValue(Buffer.buffer(cert.certificatePem())).setKeyValue(Buffer.buffer(cert.keyPem())));
        int port = backend(tls, socket -> {
            socket.write(Buffer.buffer("S"));
            socket.upgradeToSsl().onComplete(ar -> {
                sni.complete(String.valueOf(socket.indicatedServerName()));
                socket.close(); // no PostgreSQL behind it: the login then fails, after TLS
            });
        });
        String message = failure(db("127.0.0.1", port, ServerTls.VERIFY_FULL, ca.certificatePem()));
        assertEquals("null", sni.get(10, TimeUnit.SECONDS), "RFC 6066: no IP address in SNI");
        assertTrue(message.contains("closed the connection during login"), "TLS itself succeeded: " + message);
    }
}
