package io.portcullis.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.OpenSsl;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * The wire listener is set up through the injected {@link TlsHandshakes} bean with the engine the process
 * resolved at start. Where OpenSSL loads (the JVM build on Linux), the default {@code auto} must give the
 * listener OpenSSL: once a field read through a client proxy gave it null and the JDK engine, which doubled
 * the CPU cost of each new TLS connection without any test noticing.
 */
@QuarkusTest
class TlsHandshakesTest {

    @Inject
    TlsHandshakes handshakes;
    @Inject
    TlsAdministration administration;

    @Test
    void listenerUsesTheResolvedEngine() {
        // VertxTlsOpenSslTest holds that OpenSSL loads in the test JVM; here it must not be skipped quietly.
        assertTrue(OpenSsl.isAvailable(), "OpenSSL does not load in this JVM");
        assertEquals(TlsEngine.OPENSSL, administration.engine());
        NetServerOptions options = handshakes.configure(new NetServerOptions());
        assertTrue(options.getSslEngineOptions() instanceof OpenSSLEngineOptions,
                "listener engine: " + options.getSslEngineOptions());
    }
}
