package io.portcullis.prepared;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class OutboundTest {

    @Test
    void onePieceIsReturnedAsIs() {
        Outbound out = new Outbound();
        Buffer piece = Buffer.buffer("abc");
        out.add(Buffer.buffer());
        out.add(piece);
        assertSame(piece, out.build());
        assertEquals(0, out.build().length(), "build empties it");
    }

    @Test
    void smallAndLargeJoinsHoldTheSameBytes() {
        for (int size : new int[]{10, Outbound.COPY_BELOW, 10_000}) {
            Outbound out = new Outbound();
            Buffer expected = Buffer.buffer();
            Buffer source = Buffer.buffer("x".repeat(size) + "y".repeat(size));
            for (Buffer piece : new Buffer[]{Buffer.buffer("head"), source.slice(0, size), source.slice(size, 2 * size)}) {
                out.add(piece);
                expected.appendBuffer(piece);
            }
            Buffer joined = out.build();
            assertEquals(expected, joined, "size " + size);
            assertEquals(expected.length(), joined.getByteBuf().readableBytes());
        }
    }
}
