package io.portcullis.wire;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import static io.portcullis.wire.Bytes.buf;
import static io.portcullis.wire.Bytes.of;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FrameDecoderTest {
    /** PasswordMessage "quest", then Sync, then the first 3 bytes of a Query. */
    private static final byte[] STREAM = of('p' + 0, 0, 0, 0, 10, "quest", 0, 'S' + 0, 0, 0, 0, 4, 'Q' + 0, 0, 0);

    @Test
    void decodesWholeFramesAndKeepsTheRest() {
        FrameDecoder decoder = new FrameDecoder(FrameDecoder.MAX_AUTH_FRAME_LENGTH);
        decoder.offer(Buffer.buffer(STREAM));
        Frame password = decoder.next();
        assertEquals('p', password.type());
        assertEquals("quest", password.readCString(0));
        assertEquals(6, password.cStringEnd(0));
        Frame sync = decoder.next();
        assertEquals('S', sync.type());
        assertEquals(0, sync.length());
        assertNull(decoder.next());
        assertEquals(3, decoder.buffered());
        assertArrayEquals(of('Q' + 0, 0, 0), decoder.remainder().getBytes());
        assertEquals(0, decoder.buffered());
        assertNull(decoder.next());
    }

    @Test
    void decodesByteByByte() {
        FrameDecoder decoder = new FrameDecoder(64);
        int frames = 0;
        for (byte b : STREAM) {
            decoder.offer(Buffer.buffer(new byte[] {b}));
            for (Frame frame = decoder.next(); frame != null; frame = decoder.next()) {
                frames++;
            }
        }
        assertEquals(2, frames);
        assertArrayEquals(of('Q' + 0, 0, 0), decoder.remainder().getBytes());
    }

    @Test
    void bodyIsIndependentOfLaterInput() {
        FrameDecoder decoder = new FrameDecoder(64);
        Buffer chunk = buf('p' + 0, 0, 0, 0, 6, 'a' + 0, 0);
        decoder.offer(chunk);
        Frame frame = decoder.next();
        chunk.setByte(5, (byte) 'z');
        decoder.offer(buf('X' + 0, 0, 0, 0, 4));
        assertEquals("a", frame.readCString(0));
    }

    @Test
    void rejectsShortAndOversizedLengthsBeforeTheBody() {
        FrameDecoder small = new FrameDecoder(100);
        assertThrows(ProtocolViolation.class, () -> small.offer(buf('p' + 0, 0, 0, 0, 3)));
        FrameDecoder big = new FrameDecoder(100);
        big.offer(buf('p' + 0, 0, 0));
        assertThrows(ProtocolViolation.class, () -> big.offer(buf(0, 101)));
        FrameDecoder later = new FrameDecoder(100);
        later.offer(buf('S' + 0, 0, 0, 0, 4, 'p' + 0, 0x7F, 0xFF, 0xFF, 0xFF));
        later.next();
        assertThrows(ProtocolViolation.class, later::next);
        FrameDecoder exact = new FrameDecoder(100);
        exact.offer(buf('p' + 0, 0, 0, 0, 100));
        assertNull(exact.next());
    }

    @Test
    void frameReadersCheckBounds() {
        Frame frame = new Frame((byte) 'R', buf(0, 0, 0, 5, 1, 2, 3, 4));
        assertEquals(5, frame.readInt(0));
        assertEquals(0x01020304, frame.readInt(4));
        assertEquals(0x0102, frame.readShort(4));
        assertEquals(4, frame.readByte(7));
        assertThrows(ProtocolViolation.class, () -> frame.readInt(5));
        assertThrows(ProtocolViolation.class, () -> frame.readByte(8));
        assertThrows(ProtocolViolation.class, () -> frame.readInt(-1));
        assertEquals("", frame.readCString(0));
        assertThrows(ProtocolViolation.class, () -> frame.readCString(4), "no NUL terminator");
        BodyReader reader = frame.reader();
        assertEquals(5, reader.readInt());
        assertEquals(4, reader.remaining());
        assertThrows(ProtocolViolation.class, reader::expectEnd);
        assertArrayEquals(of(1, 2, 3, 4), reader.readBytes(4));
        reader.expectEnd();
        assertThrows(ProtocolViolation.class, reader::readByte);
    }

    @Test
    void rejectsInvalidMaximum() {
        assertThrows(IllegalArgumentException.class, () -> new FrameDecoder(3));
    }
}
