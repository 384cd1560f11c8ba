package io.portcullis.proxy;

import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.RawClient;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Broken startup packets get an 08P01 ErrorResponse and a closed socket; the gateway keeps serving. */
@QuarkusTest
class MalformedStartupTest {

    private static void assertProtocolViolation(byte[] packet) throws Exception {
        try (RawClient raw = RawClient.plain(GatewayClient.gatewayPort())) {
            raw.write(packet);
            assertEquals('E', raw.readType());
            assertEquals("08P01", raw.lastFields().get('C'));
            assertEquals("FATAL", raw.lastFields().get('S'));
            assertTrue(raw.closedByPeer());
        }
    }

    @Test
    void lengthThree() throws Exception {
        assertProtocolViolation(ByteBuffer.allocate(8).putInt(3).putInt(196608).array());
    }

    @Test
    void lengthOneMebibyteIsRefusedBeforeItArrives() throws Exception {
        // Only the header is sent: the gateway must answer without waiting for a megabyte.
        assertProtocolViolation(ByteBuffer.allocate(8).putInt(1 << 20).putInt(196608).array());
    }

    @Test
    void unknownProtocolVersion() throws Exception {
        byte[] body = "user\0x\0\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(8 + body.length).putInt(8 + body.length).putInt(2 << 16).put(body);
        assertProtocolViolation(b.array());
    }

    @Test
    void randomBytesNeverCrashTheGateway() throws Exception {
        Random random = new Random(42);
        for (int i = 0; i < 30; i++) {
            byte[] junk = new byte[8 + random.nextInt(64)];
            random.nextBytes(junk);
            ByteBuffer.wrap(junk).putInt(junk.length); // a complete packet of random content
            try (RawClient raw = RawClient.plain(GatewayClient.gatewayPort())) {
                raw.write(junk);
                assertEquals('E', raw.readType());
                assertEquals("08P01", raw.lastFields().get('C'));
            }
        }
        // Still serving:
        try (RawClient raw = RawClient.plain(GatewayClient.gatewayPort())) {
            raw.write(ByteBuffer.allocate(8).putInt(8).putInt(80877104).array()); // GSSENCRequest
            assertEquals('N', (char) raw.readByte());
        }
    }
}
