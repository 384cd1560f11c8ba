package io.portcullis.wire;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static io.portcullis.wire.Bytes.of;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BackendMessagesTest {
    @Test
    void authenticationMessages() {
        assertBytes(of('R' + 0, 0, 0, 0, 8, 0, 0, 0, 0), BackendMessages.authenticationOk());
        assertBytes(of('R' + 0, 0, 0, 0, 8, 0, 0, 0, 3), BackendMessages.authenticationCleartextPassword());
        assertBytes(of('R' + 0, 0, 0, 0, 12, 0, 0, 0, 5, 0xA1, 0xB2, 0xC3, 0xD4),
                BackendMessages.authenticationMd5Password(of(0xA1, 0xB2, 0xC3, 0xD4)));
        assertBytes(of('R' + 0, 0, 0, 0, 23, 0, 0, 0, 10, "SCRAM-SHA-256", 0, 0),
                BackendMessages.authenticationSasl(List.of("SCRAM-SHA-256")));
        assertBytes(of('R' + 0, 0, 0, 0, 42, 0, 0, 0, 10, "SCRAM-SHA-256-PLUS", 0, "SCRAM-SHA-256", 0, 0),
                BackendMessages.authenticationSasl(List.of("SCRAM-SHA-256-PLUS", "SCRAM-SHA-256")));
        assertBytes(of('R' + 0, 0, 0, 0, 13, 0, 0, 0, 11, "r=abc"), BackendMessages.authenticationSaslContinue(of("r=abc")));
        assertBytes(of('R' + 0, 0, 0, 0, 12, 0, 0, 0, 12, "v=xy"), BackendMessages.authenticationSaslFinal(of("v=xy")));
    }

    @Test
    void md5SaltMustBeFourBytes() {
        assertThrows(IllegalArgumentException.class, () -> BackendMessages.authenticationMd5Password(new byte[3]));
        assertThrows(IllegalArgumentException.class, () -> BackendMessages.authenticationSasl(List.of()));
    }

    @Test
    void sessionMessages() {
        assertBytes(of('S' + 0, 0, 0, 0, 17, "TimeZone", 0, "UTC", 0), BackendMessages.parameterStatus("TimeZone", "UTC"));
        assertBytes(of('K' + 0, 0, 0, 0, 12, 0, 0, 0x04, 0xD2, 0xDE, 0xAD, 0xBE, 0xEF),
                BackendMessages.backendKeyData(1234, 0xDEADBEEF));
        assertBytes(of('K' + 0, 0, 0, 0, 16, 0, 0, 0, 9, 1, 2, 3, 4, 5, 6, 7, 8),
                BackendMessages.backendKeyData(9, of(1, 2, 3, 4, 5, 6, 7, 8)));
        assertBytes(of('Z' + 0, 0, 0, 0, 5, 'I' + 0), BackendMessages.readyForQuery(MessageTypes.TX_IDLE));
        assertBytes(of('Z' + 0, 0, 0, 0, 5, 'E' + 0), BackendMessages.readyForQuery(MessageTypes.TX_FAILED));
        assertThrows(IllegalArgumentException.class, () -> BackendMessages.readyForQuery((byte) 'X'));
    }

    @Test
    void negotiateProtocolVersion() {
        assertBytes(of('v' + 0, 0, 0, 0, 21, 0, 0, 0, 2, 0, 0, 0, 1, "_pq_.foo", 0),
                BackendMessages.negotiateProtocolVersion(2, List.of("_pq_.foo")));
        assertBytes(of('v' + 0, 0, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0, 0),
                BackendMessages.negotiateProtocolVersion(0, List.of()));
    }

    @Test
    void sslResponse() {
        assertBytes(of('S' + 0), BackendMessages.sslResponse(true));
        assertBytes(of('N' + 0), BackendMessages.sslResponse(false));
    }

    @Test
    void errorResponse() {
        assertBytes(of('E' + 0, 0, 0, 0, 34, 'S' + 0, "FATAL", 0, 'V' + 0, "FATAL", 0, 'C' + 0, "28P01", 0,
                        'M' + 0, "bad pw", 0, 0),
                BackendMessages.errorResponse("FATAL", SqlState.INVALID_PASSWORD, "bad pw"));
        assertBytes(of('E' + 0, 0, 0, 0, 38, 'S' + 0, "ERROR", 0, 'V' + 0, "ERROR", 0, 'C' + 0, "3D000", 0,
                        'M' + 0, "no db", 0, 'D' + 0, "x y", 0, 0),
                BackendMessages.errorResponse("ERROR", SqlState.INVALID_CATALOG_NAME, "no db", "x y"));
        assertBytes(of('E' + 0, 0, 0, 0, 29, 'S' + 0, "FATAL", 0, 'V' + 0, "FATAL", 0, 'C' + 0, "08P01", 0,
                        'M' + 0, "m", 0, 0),
                BackendMessages.errorResponse("FATAL", "08P01", "m"));
    }

    @Test
    void errorResponseRoundTripsThroughTheReader() {
        Buffer frame = BackendMessages.errorResponse("FATAL", SqlState.TOO_MANY_CONNECTIONS, "zu viele Verbindungen: ü", "d");
        Map<Character, String> fields = MessageReader.errorFields(frame.slice(5, frame.length()));
        assertEquals("53300", MessageReader.errorSqlState(fields));
        assertEquals("zu viele Verbindungen: ü", MessageReader.errorMessage(fields));
        assertEquals("FATAL", MessageReader.errorSeverity(fields));
        assertEquals("d", fields.get('D'));
        assertEquals(frame.length() - 1, frame.getInt(1));
    }

    @Test
    void errorResponseNeverFailsOnNulInText() {
        Buffer frame = BackendMessages.errorResponse("ERROR", SqlState.INTERNAL_ERROR, "a\0b");
        Map<Character, String> fields = MessageReader.errorFields(frame.slice(5, frame.length()));
        assertEquals("a\uFFFDb", MessageReader.errorMessage(fields));
    }

    @Test
    void errorResponseRejectsMalformedSqlState() {
        assertThrows(IllegalArgumentException.class, () -> BackendMessages.errorResponse("ERROR", "123", "m"));
        assertThrows(IllegalArgumentException.class, () -> BackendMessages.errorResponse("ERROR", "ab123", "m"));
    }

    @Test
    void eachCallReturnsANewBuffer() {
        assertNotSame(BackendMessages.authenticationOk(), BackendMessages.authenticationOk());
    }

    @Test
    void parameterStatusRejectsNul() {
        assertThrows(IllegalArgumentException.class, () -> BackendMessages.parameterStatus("a\0", "b"));
        assertEquals("é", new String(BackendMessages.parameterStatus("x", "é").getBytes(7, 9), StandardCharsets.UTF_8));
    }

    private static void assertBytes(byte[] expected, Buffer actual) {
        assertArrayEquals(expected, actual.getBytes());
    }
}
