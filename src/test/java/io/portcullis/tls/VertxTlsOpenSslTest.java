package io.portcullis.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * Every {@link VertxTlsTest} again with the OpenSSL engine the JVM build uses by default: SSLRequest and
 * direct TLS, ALPN, protocol limits, hot swap and the openssl command line client.
 */
class VertxTlsOpenSslTest extends VertxTlsTest {

    @Override
    TlsEngine engine() {
        return TlsEngine.OPENSSL.resolve();
    }

    @Test
    void autoResolvesToOpenSslWhereItLoads() {
        assertEquals(TlsEngine.OPENSSL, TlsEngine.AUTO.resolve());
        assertEquals(TlsEngine.JDK, TlsEngine.JDK.resolve());
    }

    /**
     * Netty's OpenSSL server cannot answer an ALPN mismatch with an alert (only the JDK engine can): the
     * handshake completes with no protocol selected. After an SSLRequest that is harmless (the client
     * already said it speaks PostgreSQL); direct TLS is then closed by the gateway, tested next.
     */
    @Override
    @Test
    void clientOfferingOnlyOtherAlpnIsRefused() throws Exception {
        try (SSLSocket tls = afterSslRequest(TestCertificates.trusting(material), null, "h2")) {
            tls.startHandshake();
            assertEquals("", tls.getApplicationProtocol(), "h2 must not be selected");
        }
    }

    @Test
    void directTlsOfferingOnlyOtherAlpnIsClosedByServer() throws Exception {
        try (SSLSocket tls = direct(TestCertificates.trusting(material), "h2")) {
            tls.startHandshake();
            ExecutionException failure = assertThrows(ExecutionException.class,
                    () -> serverTls.get(10, TimeUnit.SECONDS));
            assertTrue(failure.getCause().getMessage().contains("ALPN"), failure.getCause().getMessage());
            assertEquals(-1, readOrEof(tls.getInputStream()), "server must close the connection");
        }
    }
}
