package io.portcullis.proxy;

import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.NonDefaultProperties;
import io.portcullis.testing.RawClient;
import io.portcullis.wire.MessageTypes;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code portcullis.listen.instances}, {@code max-connections-per-address} and {@code tls-handshake-timeout}
 * at the values of {@link NonDefaultProperties} (3, 10 and 3 s; defaults: one loop per two cores, 1000, 10 s).
 */
@QuarkusTest
@TestProfile(NonDefaultProperties.class)
class ListenerPropertiesTest {

    private static InetAddress loopback(int last) throws Exception {
        return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
    }

    /** The listener is deployed once per loop and says how many it deployed. */
    @Test
    void theListenerRunsOnTheConfiguredNumberOfEventLoops() throws Exception {
        Path log = Path.of(ConfigProvider.getConfig().getValue(NonDefaultProperties.LOG_FILE_KEY, String.class));
        List<String> started = Files.readAllLines(log).stream().filter(l -> l.contains("Portcullis wire listener on")).toList();
        assertEquals(1, started.size(), started.toString());
        assertTrue(started.get(0).contains("(TLS prefer, 3 event loops,"), started.get(0));
    }

    @Test
    void theEleventhConnectionFromOneAddressIsRefusedWith53300() throws Exception {
        InetAddress greedy = loopback(43);
        List<RawClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                RawClient raw = RawClient.plain(GatewayClient.gatewayPort(), greedy);
                open.add(raw);
                raw.write(ByteBuffer.allocate(8).putInt(8).putInt(MessageTypes.GSSENC_REQUEST_CODE).array());
            }
            for (int i = 0; i < 10; i++) {
                assertEquals('N', (char) open.get(i).readByte(), "connection " + (i + 1) + " is served");
            }
            try (RawClient refused = RawClient.plain(GatewayClient.gatewayPort(), greedy)) {
                assertEquals('E', refused.readType(), "the eleventh is refused at once");
                assertEquals("53300", refused.lastFields().get('C'));
            }
        } finally {
            for (RawClient raw : open) {
                raw.close();
            }
        }
    }

    @Test
    void aClientSilentAfterSslRequestIsCutAtTheHandshakeTimeout() throws Exception {
        try (Socket silent = new Socket(InetAddress.getLoopbackAddress(), GatewayClient.gatewayPort(), loopback(44), 0)) {
            silent.setSoTimeout(30_000);
            OutputStream out = silent.getOutputStream();
            out.write(ByteBuffer.allocate(8).putInt(8).putInt(MessageTypes.SSL_REQUEST_CODE).array());
            out.flush();
            InputStream in = silent.getInputStream();
            assertEquals('S', in.read());
            long since = System.nanoTime();
            try {
                while (in.read() >= 0) {
                    // at most a TLS alert before the close
                }
            } catch (java.net.SocketException reset) {
                // a reset is a cut too
            }
            long cutMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
            assertTrue(cutMillis >= 2_700 && cutMillis < 9_000, "cut after the 3 s handshake timeout, not " + cutMillis + " ms");
        }
    }
}
