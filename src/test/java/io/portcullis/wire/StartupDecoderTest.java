package io.portcullis.wire;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.portcullis.wire.Bytes.buf;
import static io.portcullis.wire.Bytes.of;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class StartupDecoderTest {
    /** StartupMessage 3.0: user=alice, database=db. */
    private static final byte[] STARTUP = of(0, 0, 0, 32, 0, 3, 0, 0,
            "user", 0, "alice", 0, "database", 0, "db", 0, 0);
    private static final byte[] SSL_REQUEST = of(0, 0, 0, 8, 0x04, 0xD2, 0x16, 0x2F);
    private static final byte[] GSSENC_REQUEST = of(0, 0, 0, 8, 0x04, 0xD2, 0x16, 0x30);

    @Test
    void decodesStartupMessageAllAtOnce() {
        StartupDecoder decoder = new StartupDecoder();
        var message = assertInstanceOf(StartupRequest.StartupMessage.class, decoder.offer(Buffer.buffer(STARTUP)));
        assertEquals(3, message.majorVersion());
        assertEquals(0, message.minorVersion());
        assertEquals(Map.of("user", "alice", "database", "db"), message.parameters());
        assertEquals(List.of("user", "database"), List.copyOf(message.parameters().keySet()));
        assertEquals(List.of(), message.protocolOptions());
        assertEquals("alice", message.user());
        assertEquals("db", message.database());
        assertEquals(0, decoder.buffered());
        assertNull(decoder.poll());
    }

    @Test
    void decodesStartupMessageByteByByte() {
        StartupDecoder decoder = new StartupDecoder();
        for (int i = 0; i < STARTUP.length - 1; i++) {
            assertNull(decoder.offer(Buffer.buffer(new byte[] {STARTUP[i]})), "byte " + i);
        }
        var message = assertInstanceOf(StartupRequest.StartupMessage.class,
                decoder.offer(Buffer.buffer(new byte[] {STARTUP[STARTUP.length - 1]})));
        assertEquals("alice", message.user());
        assertEquals(0, decoder.remainder().length());
    }

    @Test
    void sslRequestFollowedByStartupInOneChunk() {
        StartupDecoder decoder = new StartupDecoder();
        assertInstanceOf(StartupRequest.SslRequest.class, decoder.offer(buf(SSL_REQUEST, STARTUP)));
        assertEquals(STARTUP.length, decoder.buffered());
        var message = assertInstanceOf(StartupRequest.StartupMessage.class, decoder.poll());
        assertEquals("db", message.database());
        assertEquals(0, decoder.buffered());
    }

    @Test
    void remainderReturnsPipelinedBytesAndDecoderIsReusable() {
        StartupDecoder decoder = new StartupDecoder();
        assertInstanceOf(StartupRequest.SslRequest.class, decoder.offer(buf(SSL_REQUEST, 'Q' + 0, 1, 2)));
        assertArrayEquals(of('Q' + 0, 1, 2), decoder.remainder().getBytes());
        assertEquals(0, decoder.buffered());
        assertInstanceOf(StartupRequest.StartupMessage.class, decoder.offer(Buffer.buffer(STARTUP)));
    }

    @Test
    void gssEncRequest() {
        assertInstanceOf(StartupRequest.GssEncRequest.class, new StartupDecoder().offer(Buffer.buffer(GSSENC_REQUEST)));
    }

    @Test
    void cancelRequestWithFourByteKey() {
        var cancel = assertInstanceOf(StartupRequest.CancelRequest.class, new StartupDecoder().offer(
                buf(0, 0, 0, 16, 0x04, 0xD2, 0x16, 0x2E, 0, 0, 0x30, 0x39, 0xDE, 0xAD, 0xBE, 0xEF)));
        assertEquals(12345, cancel.processId());
        assertArrayEquals(of(0xDE, 0xAD, 0xBE, 0xEF), cancel.secretKey().getBytes());
    }

    @Test
    void cancelRequestWith32ByteKeyOfProtocol32() {
        byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) i;
        }
        var cancel = assertInstanceOf(StartupRequest.CancelRequest.class, new StartupDecoder().offer(
                buf(0, 0, 0, 44, 0x04, 0xD2, 0x16, 0x2E, 0, 0, 0, 7, key)));
        assertEquals(7, cancel.processId());
        assertArrayEquals(key, cancel.secretKey().getBytes());
    }

    @Test
    void cancelRequestWithShortKeyIsRejected() {
        assertViolation(buf(0, 0, 0, 15, 0x04, 0xD2, 0x16, 0x2E, 0, 0, 0, 7, 1, 2, 3));
    }

    @Test
    void protocol32StartupWithOptions() {
        Buffer packet = packet(0, 3, 0, 2,
                "user", 0, "bob", 0, "_pq_.foo", 0, "on", 0, "x", 0, "", 0, 0);
        var message = assertInstanceOf(StartupRequest.StartupMessage.class, new StartupDecoder().offer(packet));
        assertEquals(3, message.majorVersion());
        assertEquals(2, message.minorVersion());
        assertEquals(Map.of("user", "bob", "x", ""), message.parameters());
        assertEquals(List.of("_pq_.foo"), message.protocolOptions());
        assertEquals("bob", message.database(), "database defaults to user");
        assertTrue(message.needsNegotiation(2), "an option must be negotiated");
    }

    @Test
    void futureMinorVersionIsAcceptedForNegotiation() {
        var message = assertInstanceOf(StartupRequest.StartupMessage.class, new StartupDecoder().offer(
                packet(0, 3, 0, 9, "user", 0, "u", 0, 0)));
        assertEquals(9, message.minorVersion());
        assertTrue(message.needsNegotiation(2));
    }

    @Test
    void emptyDatabaseDefaultsToUser() {
        var message = assertInstanceOf(StartupRequest.StartupMessage.class, new StartupDecoder().offer(
                packet(0, 3, 0, 0, "user", 0, "u", 0, "database", 0, 0, 0)));
        assertEquals("u", message.database());
    }

    @Test
    void directTlsKeepsEveryByte() {
        StartupDecoder decoder = new StartupDecoder();
        assertInstanceOf(StartupRequest.DirectTls.class, decoder.offer(buf(0x16)));
        assertInstanceOf(StartupRequest.DirectTls.class, decoder.offer(buf(0x03, 0x01, 0x02, 0x00)));
        assertArrayEquals(of(0x16, 0x03, 0x01, 0x02, 0x00), decoder.remainder().getBytes());
        assertEquals(0, decoder.buffered());
    }

    @Test
    void directTlsInOneChunk() {
        StartupDecoder decoder = new StartupDecoder();
        byte[] hello = of(0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5);
        assertInstanceOf(StartupRequest.DirectTls.class, decoder.offer(Buffer.buffer(hello)));
        assertArrayEquals(hello, decoder.remainder().getBytes());
    }

    @Test
    void lengthBelowEightIsRejected() {
        assertViolation(buf(0, 0, 0, 3));
        assertViolation(buf(0, 0, 0, 7));
        assertViolation(buf(0xFF, 0xFF, 0xFF, 0xFF));
    }

    @Test
    void hugeLengthIsRejectedAfterFourBytes() {
        StartupDecoder decoder = new StartupDecoder();
        assertNull(decoder.offer(buf(0, 0x10, 0)));
        ProtocolViolation violation = assertThrows(ProtocolViolation.class, () -> decoder.offer(buf(0)));
        assertTrue(violation.getMessage().contains("too long"), violation.getMessage());
    }

    @Test
    void lengthJustOverTheLimitIsRejected() {
        assertViolation(buf(0, 0, 0x27, 0x11)); // 10001
        assertNull(new StartupDecoder().offer(buf(0, 0, 0x27, 0x10))); // 10000: waits for more
    }

    @Test
    void missingOrEmptyUserIsRejected() {
        assertViolation(packet(0, 3, 0, 0, "database", 0, "db", 0, 0));
        assertViolation(packet(0, 3, 0, 0, "user", 0, 0, 0));
        assertViolation(packet(0, 3, 0, 0, 0));
    }

    @Test
    void unknownCodesAndMajorVersionsAreRejected() {
        assertViolation(buf(0, 0, 0, 8, 0x04, 0xD2, 0x16, 0x31)); // 1234.5681
        assertViolation(packet(0, 2, 0, 0, "user", 0, "u", 0, 0)); // protocol 2.0
        assertViolation(packet(0, 4, 0, 0, "user", 0, "u", 0, 0)); // protocol 4.0
    }

    @Test
    void sslRequestWithExtraBytesIsRejected() {
        assertViolation(buf(0, 0, 0, 9, 0x04, 0xD2, 0x16, 0x2F, 0));
    }

    @Test
    void malformedParameterListsAreRejected() {
        // value not NUL-terminated
        assertViolation(packet(0, 3, 0, 0, "user", 0, "abcd"));
        // name not NUL-terminated
        assertViolation(packet(0, 3, 0, 0, "user"));
        // no final terminator
        assertViolation(packet(0, 3, 0, 0, "user", 0, "u", 0, "x"));
        // trailing garbage after the terminator
        assertViolation(packet(0, 3, 0, 0, "user", 0, "u", 0, 0, 'z' + 0));
        // bad UTF-8 in a value
        assertViolation(packet(0, 3, 0, 0, "user", 0, 0xC3, 0x28, 0, 0));
        // duplicate parameter
        assertViolation(packet(0, 3, 0, 0, "user", 0, "u", 0, "user", 0, "v", 0, 0));
    }

    @Test
    void utf8ParametersAreDecoded() {
        var message = assertInstanceOf(StartupRequest.StartupMessage.class, new StartupDecoder().offer(
                packet(0, 3, 0, 0, "user", 0, 0xC3, 0xA9, 0xC3, 0xA9, 0, 0)));
        assertEquals("éé", message.user());
    }

    @Test
    void randomBytesOnlyEverRaiseProtocolViolation() {
        Random random = new Random(20240611L);
        byte[] validHeader = of(0, 3, 0, 0);
        for (int round = 0; round < 20_000; round++) {
            int size = random.nextInt(80);
            byte[] data = new byte[size];
            random.nextBytes(data);
            if (size >= 8 && random.nextBoolean()) {
                // plausible length and protocol, random payload: exercises the parameter parser
                data[0] = 0;
                data[1] = 0;
                data[2] = 0;
                data[3] = (byte) (8 + random.nextInt(size - 7));
                System.arraycopy(validHeader, 0, data, 4, 4);
                for (int i = 8; i < size; i++) {
                    if (random.nextInt(4) == 0) {
                        data[i] = 0;
                    }
                }
            }
            StartupDecoder decoder = new StartupDecoder();
            try {
                int position = 0;
                while (position < size) {
                    int step = 1 + random.nextInt(size - position);
                    StartupRequest request = decoder.offer(Buffer.buffer(data).slice(position, position + step));
                    position += step;
                    while (request != null && !(request instanceof StartupRequest.DirectTls)) {
                        request = decoder.poll();
                    }
                    if (request != null) {
                        break;
                    }
                }
            } catch (ProtocolViolation expected) {
                // the only acceptable failure
            } catch (RuntimeException e) {
                fail("round " + round + " threw " + e, e);
            }
        }
    }

    /** A startup packet: the computed int32 length, then the given parts. */
    private static Buffer packet(Object... parts) {
        byte[] rest = of(parts);
        return Buffer.buffer(4 + rest.length).appendInt(4 + rest.length).appendBytes(rest);
    }

    private static void assertViolation(Buffer packet) {
        StartupDecoder decoder = new StartupDecoder();
        assertThrows(ProtocolViolation.class, () -> decoder.offer(packet), () -> "accepted " + packet);
    }
}
