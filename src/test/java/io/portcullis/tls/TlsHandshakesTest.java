package io.portcullis.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.util.ReferenceCountUtil;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;

/**
 * The wire listener's TLS context, which the injected {@link TlsHandshakes} bean hands connections, runs the engine the
 * process resolved at start. Where OpenSSL loads (the JVM build on Linux), the default {@code auto} must give the
 * listener OpenSSL: once a field read through a client proxy gave it null and the JDK engine, which doubled
 * the CPU cost of each new TLS connection without any test noticing.
 */
@QuarkusTest
class TlsHandshakesTest {

    @Inject
    TlsAdministration administration;

    @Test
    void listenerUsesTheResolvedEngine() {
        // VertxTlsOpenSslTest holds that OpenSSL loads in the test JVM; here it must not be skipped quietly.
        assertTrue(OpenSsl.isAvailable(), "OpenSSL does not load in this JVM");
        assertEquals(TlsEngine.OPENSSL, administration.engine());
        SSLEngine engine = administration.listenerContext().current().newEngine(ByteBufAllocator.DEFAULT);
        try {
            assertTrue(engine instanceof ReferenceCountedOpenSslEngine, "listener engine: " + engine.getClass().getName());
        } finally {
            ReferenceCountUtil.release(engine);
        }
    }
}
