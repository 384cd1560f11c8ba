package io.portcullis.wire;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import static io.portcullis.wire.Bytes.buf;
import static io.portcullis.wire.Bytes.of;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Reading statement names with their positions, and building the renamed messages. */
class StatementMessagesTest {

    @Test
    void namesAndWhereTheyLie() {
        StatementName parse = MessageReader.parseStatement(buf("S_1", 0, "select 1", 0, 0, 0));
        assertEquals(new StatementName("S_1", 0, 3), parse);
        assertEquals(4, parse.after());
        StatementName bind = MessageReader.bindStatement(buf("C_1", 0, "S_22", 0, 0, 0, 0, 0, 0, 0));
        assertEquals(new StatementName("S_22", 4, 8), bind);
        assertEquals(new StatementName("", 1, 1), MessageReader.bindStatement(buf(0, 0, 0, 0)));
        assertEquals(new StatementName("S_3", 1, 4), MessageReader.targetName(buf('S' + 0, "S_3", 0), "Close"));
        assertThrows(ProtocolViolation.class, () -> MessageReader.bindStatement(buf("portal", 0, "stmt")));
        assertThrows(ProtocolViolation.class, () -> MessageReader.targetName(buf(), "Describe"));
    }

    @Test
    void parseUnderAnotherName() {
        Buffer definition = buf("select $1", 0, 0, 1, 0, 0, 0, 23);
        Buffer parse = FrontendMessages.parse("portcullis_1", definition);
        assertArrayEquals(of('P' + 0, 0, 0, 0, 4 + 13 + 16, "portcullis_1", 0, "select $1", 0, 0, 1, 0, 0, 0, 23),
                parse.getBytes());
    }

    @Test
    void renamedHeadCountsTheRestThatFollows() {
        Buffer head = FrontendMessages.renamedHead(MessageTypes.BIND, buf("C_1", 0), "portcullis_12", 10);
        // type, length = 4 + "C_1\0" + "portcullis_12\0" + 10 rest bytes
        assertArrayEquals(of('B' + 0, 0, 0, 0, 4 + 4 + 14 + 10, "C_1", 0, "portcullis_12", 0), head.getBytes());
        Buffer describe = FrontendMessages.renamedHead(MessageTypes.DESCRIBE, buf('S' + 0), "x", 0);
        assertArrayEquals(of('D' + 0, 0, 0, 0, 4 + 1 + 2, 'S' + 0, "x", 0), describe.getBytes());
    }

    @Test
    void answersTheGatewayGivesItself() {
        assertArrayEquals(of('1' + 0, 0, 0, 0, 4), BackendMessages.parseComplete().getBytes());
        assertArrayEquals(of('3' + 0, 0, 0, 0, 4), BackendMessages.closeComplete().getBytes());
        assertEquals("42P05", SqlState.DUPLICATE_PREPARED_STATEMENT.code());
        assertEquals("54000", SqlState.PROGRAM_LIMIT_EXCEEDED.code());
    }
}
