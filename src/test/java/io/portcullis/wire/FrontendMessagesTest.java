package io.portcullis.wire;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static io.portcullis.wire.Bytes.of;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FrontendMessagesTest {
    @Test
    void startupMessage() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("user", "admin");
        params.put("database", "qdb");
        Buffer packet = FrontendMessages.startupMessage(params);
        assertBytes(of(0, 0, 0, 33, 0, 3, 0, 0, "user", 0, "admin", 0, "database", 0, "qdb", 0, 0), packet);
        var decoded = assertInstanceOf(StartupRequest.StartupMessage.class, new StartupDecoder().offer(packet));
        assertEquals(params, decoded.parameters());
    }

    @Test
    void startupMessageOverTheLimitIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> FrontendMessages.startupMessage(Map.of("user", "u", "options", "x".repeat(10_000))));
    }

    @Test
    void passwordMessages() {
        assertBytes(of('p' + 0, 0, 0, 0, 10, "quest", 0), FrontendMessages.passwordMessage("quest"));
        assertBytes(of('p' + 0, 0, 0, 0, 10, "quest", 0), FrontendMessages.passwordMessage(of("quest")));
        assertThrows(IllegalArgumentException.class, () -> FrontendMessages.passwordMessage(of("a", 0, "b")));
        assertThrows(IllegalArgumentException.class, () -> FrontendMessages.passwordMessage("a\0b"));
    }

    @Test
    void saslMessages() {
        assertBytes(of('p' + 0, 0, 0, 0, 33, "SCRAM-SHA-256", 0, 0, 0, 0, 11, "n,,n=,r=abc"),
                FrontendMessages.saslInitialResponse("SCRAM-SHA-256", of("n,,n=,r=abc")));
        assertBytes(of('p' + 0, 0, 0, 0, 22, "SCRAM-SHA-256", 0, 0xFF, 0xFF, 0xFF, 0xFF),
                FrontendMessages.saslInitialResponse("SCRAM-SHA-256", null));
        assertBytes(of('p' + 0, 0, 0, 0, 10, "c=biws"), FrontendMessages.saslResponse(of("c=biws")));
    }

    @Test
    void saslInitialResponseRoundTripsThroughTheReader() {
        Buffer frame = FrontendMessages.saslInitialResponse("SCRAM-SHA-256", of("n,,n=,r=x"));
        SaslInitialResponse parsed = MessageReader.saslInitialResponse(frame.slice(5, frame.length()));
        assertEquals("SCRAM-SHA-256", parsed.mechanism());
        assertArrayEquals(of("n,,n=,r=x"), parsed.data());
        Buffer none = FrontendMessages.saslInitialResponse("SCRAM-SHA-256", null);
        assertNull(MessageReader.saslInitialResponse(none.slice(5, none.length())).data());
    }

    @Test
    void cleanupMessages() {
        assertBytes(of('C' + 0, 0, 0, 0, 9, 'S' + 0, "S_1", 0), FrontendMessages.close((byte) 'S', "S_1"));
        assertBytes(of('C' + 0, 0, 0, 0, 6, 'P' + 0, 0), FrontendMessages.close((byte) 'P', ""));
        assertThrows(IllegalArgumentException.class, () -> FrontendMessages.close((byte) 'X', "a"));
        assertBytes(of('S' + 0, 0, 0, 0, 4), FrontendMessages.sync());
        assertBytes(of('Q' + 0, 0, 0, 0, 13, "SELECT 1", 0), FrontendMessages.query("SELECT 1"));
        assertBytes(of('X' + 0, 0, 0, 0, 4), FrontendMessages.terminate());
    }

    @Test
    void startupPhaseRequests() {
        assertBytes(of(0, 0, 0, 16, 0x04, 0xD2, 0x16, 0x2E, 0, 0, 0, 7, 1, 2, 3, 4),
                FrontendMessages.cancelRequest(7, 0x01020304));
        assertBytes(of(0, 0, 0, 20, 0x04, 0xD2, 0x16, 0x2E, 0, 0, 0, 7, 1, 2, 3, 4, 5, 6, 7, 8),
                FrontendMessages.cancelRequest(7, Buffer.buffer(of(1, 2, 3, 4, 5, 6, 7, 8))));
        assertBytes(of(0, 0, 0, 8, 0x04, 0xD2, 0x16, 0x2F), FrontendMessages.sslRequest());
        var cancel = assertInstanceOf(StartupRequest.CancelRequest.class,
                new StartupDecoder().offer(FrontendMessages.cancelRequest(-5, 42)));
        assertEquals(-5, cancel.processId());
        assertEquals(42, cancel.secretKey().getInt(0));
    }

    private static void assertBytes(byte[] expected, Buffer actual) {
        assertArrayEquals(expected, actual.getBytes());
    }
}
