package io.portcullis.prepared;

import io.portcullis.wire.FrameScanner;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.portcullis.prepared.Wire.commandComplete;
import static io.portcullis.prepared.Wire.dataRow;
import static io.portcullis.prepared.Wire.ready;
import static io.portcullis.prepared.Wire.rowDescription;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With a frame reader given at attach, the mapping's scan of the backend's stream serves the server
 * connection too: every frame's head reaches the reader, ReadyForQuery with its status byte and a
 * ParameterStatus whole, while the chunk still goes to the client unchanged.
 */
class ServerFramesTest {

    private final List<String> seen = new ArrayList<>();
    private final StatementMapping mapping = new StatementMapping(200);

    {
        mapping.attach(new ServerStatementCache(200), new FrameScanner.Listener() {
            @Override
            public void onFrame(byte type, int startInChunk, Buffer body) {
                seen.add((char) type + "@" + startInChunk + ":" + body.length());
            }

            @Override
            public void onTruncatedFrame(byte type, int startInChunk, Buffer prefix, int bodyLength) {
                seen.add((char) type + "@" + startInChunk + " truncated to " + prefix.length());
            }
        }, 64);
    }

    private static Buffer parameterStatus(String name, String value) {
        Buffer body = Buffer.buffer().appendString(name).appendByte((byte) 0).appendString(value).appendByte((byte) 0);
        return Buffer.buffer().appendByte((byte) 'S').appendInt(body.length() + 4).appendBuffer(body);
    }

    @Test
    void readyForQueryAndParameterStatusReachTheReaderWithTheirBodies() {
        Buffer row = rowDescription();
        Buffer data = dataRow("1");
        Buffer done = commandComplete("SELECT 1");
        Buffer status = parameterStatus("TimeZone", "UTC");
        Buffer chunk = Wire.join(row, data, done, status, ready());
        Buffer out = mapping.toClient(chunk);
        assertSame(chunk, out, "nothing to rewrite: the same Buffer goes to the client");
        int statusAt = row.length() + data.length() + done.length();
        assertEquals(List.of("T@0 truncated to 0", "C@" + (row.length() + data.length()) + ":" + (done.length() - 5),
                "S@" + statusAt + ":" + (status.length() - 5), "Z@" + (statusAt + status.length()) + ":1"), seen,
                "DataRow is skipped by length; a RowDescription's body is not read");
        assertTrue(mapping.serverAtFrameBoundary());
    }

    @Test
    void aLongParameterStatusIsReportedTruncatedAndAFrameSplitAcrossReadsOnce() {
        Buffer status = parameterStatus("application_name", "x".repeat(100));
        mapping.toClient(status.slice(0, 10).copy());
        assertFalse(mapping.serverAtFrameBoundary());
        mapping.toClient(Wire.join(status.slice(10, status.length()), ready()));
        assertEquals(List.of("S@-1 truncated to 64", "Z@" + (status.length() - 10) + ":1"), seen);
    }
}
