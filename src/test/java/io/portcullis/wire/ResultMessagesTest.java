package io.portcullis.wire;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The result-set messages, byte for byte as the protocol documentation lays them out. */
class ResultMessagesTest {

    @Test
    void rowDescriptionCarriesNameTypeAndSizePerColumn() {
        Buffer b = ResultMessages.rowDescription(List.of(FieldDescription.text("ab"), FieldDescription.int4("n"),
                FieldDescription.numeric("x"), FieldDescription.int8("big")));
        assertEquals('T', b.getByte(0));
        assertEquals(b.length() - 1, b.getInt(1));
        assertEquals(4, b.getShort(5));
        int at = 7;
        at = field(b, at, "ab", 25, -1);
        at = field(b, at, "n", 23, 4);
        at = field(b, at, "x", 1700, -1);
        at = field(b, at, "big", 20, 8);
        assertEquals(b.length(), at);
    }

    private static int field(Buffer b, int at, String name, int oid, int size) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        assertEquals(name, b.getString(at, at + n.length));
        at += n.length;
        assertEquals(0, b.getByte(at++));
        assertEquals(0, b.getInt(at));          // table OID
        assertEquals(0, b.getShort(at + 4));    // column number
        assertEquals(oid, b.getInt(at + 6));
        assertEquals(size, b.getShort(at + 10));
        assertEquals(-1, b.getInt(at + 12));    // type modifier
        assertEquals(0, b.getShort(at + 16));   // text format
        return at + 18;
    }

    @Test
    void dataRowWritesTextValuesAndNull() {
        Buffer b = ResultMessages.dataRow(Arrays.asList("42", null, "é"));
        assertEquals('D', b.getByte(0));
        assertEquals(b.length() - 1, b.getInt(1));
        assertEquals(3, b.getShort(5));
        assertEquals(2, b.getInt(7));
        assertEquals("42", b.getString(11, 13));
        assertEquals(-1, b.getInt(13));
        assertEquals(2, b.getInt(17), "length in bytes, not characters");
        assertEquals("é", b.getString(21, 23, "UTF-8"));
        assertEquals(23, b.length());
    }

    @Test
    void commandCompleteAndEmptyQuery() {
        Buffer c = ResultMessages.commandComplete("SHOW");
        assertEquals(Buffer.buffer().appendByte((byte) 'C').appendInt(9).appendString("SHOW").appendByte((byte) 0), c);
        assertEquals(Buffer.buffer().appendByte((byte) 'I').appendInt(4), ResultMessages.emptyQueryResponse());
        assertThrows(IllegalArgumentException.class, () -> ResultMessages.commandComplete("A\0B"));
    }
}
