package io.portcullis.wire;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameTypesTest {

    @Test
    void holdsExactlyTheTypesItWasBuiltFrom() {
        FrameTypes types = FrameTypes.of(MessageTypes.PARSE, MessageTypes.COPY_DATA, MessageTypes.PARSE_COMPLETE);
        for (int b = -128; b < 128; b++) {
            boolean expected = b == 'P' || b == 'd' || b == '1';
            assertEquals(expected, types.contains((byte) b), "type byte " + b);
        }
        assertEquals("[1, P, d]", types.toString());
    }

    @Test
    void bothWordsAndTheirEdgesWork() {
        FrameTypes edges = FrameTypes.of((byte) 0, (byte) 63, (byte) 64, (byte) 127);
        assertTrue(edges.contains((byte) 0));
        assertTrue(edges.contains((byte) 63));
        assertTrue(edges.contains((byte) 64));
        assertTrue(edges.contains((byte) 127));
        assertFalse(edges.contains((byte) 1));
        assertFalse(edges.contains((byte) 126));
        assertFalse(edges.contains((byte) -128), "0x80 shares its low bits with 0, but is not ASCII");
        assertFalse(edges.contains((byte) -1));
        assertEquals("[0x0, ?, @, 0x7f]", edges.toString());
    }

    @Test
    void aByteAboveAsciiIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> FrameTypes.of(MessageTypes.SYNC, (byte) 0xD0));
    }

    @Test
    void noTypesIsAnEmptySet() {
        FrameTypes none = FrameTypes.of();
        for (int b = -128; b < 128; b++) {
            assertFalse(none.contains((byte) b));
        }
        assertEquals("[]", none.toString());
    }
}
