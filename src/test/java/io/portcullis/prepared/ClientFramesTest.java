package io.portcullis.prepared;

import io.portcullis.wire.FrameScanner;
import io.portcullis.wire.MessageReader;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.portcullis.prepared.Wire.bind;
import static io.portcullis.prepared.Wire.execute;
import static io.portcullis.prepared.Wire.parse;
import static io.portcullis.prepared.Wire.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The mapping's scan of the client's stream is the session's too: every frame is handed to the session's
 * listener at its head, with its place in the chunk, before it is rewritten; a Terminate ends what is
 * forwarded.
 */
class ClientFramesTest {

    /** Type, start in the chunk, and the portal a Bind names: what the session's hand-over reads. */
    private final List<String> seen = new ArrayList<>();
    private final StatementMapping mapping = new StatementMapping(200, new FrameScanner.Listener() {
        @Override
        public void onFrame(byte type, int startInChunk, Buffer body) {
            String portal = type == 'B' ? "|" + MessageReader.bindNames(body).portal() : "";
            seen.add((char) type + "@" + startInChunk + portal);
        }
    });

    {
        mapping.attach(new ServerStatementCache(200));
    }

    @Test
    void everyFrameIsReportedOnceWithItsPlaceInTheChunk() {
        Buffer p = parse("S_1", "select 1");
        Buffer b = bind("P_1", "S_1");
        Buffer e = execute("P_1");
        Buffer chunk = Wire.join(p, b, e, sync());
        Buffer out = mapping.toServer(chunk);
        int bindAt = p.length();
        int executeAt = bindAt + b.length();
        int syncAt = executeAt + e.length();
        assertEquals(List.of("P@0", "B@" + bindAt + "|P_1", "E@" + executeAt, "S@" + syncAt), seen);
        assertEquals(List.of("P(portcullis_1|select 1)", "B(P_1|portcullis_1)", "E(P_1)", "S"), Wire.frontend(out));
        assertTrue(mapping.clientAtFrameBoundary());
    }

    @Test
    void aFrameSplitAcrossReadsIsReportedOnceItsHeadIsIn() {
        Buffer b = bind("P_2", "");
        Buffer first = b.slice(0, 3);
        Buffer rest = Wire.join(b.slice(3, b.length()), sync());
        assertEquals(0, mapping.toServer(first.copy()).length(), "the Bind's head is not in yet: it is held back");
        assertEquals(List.of(), seen);
        mapping.toServer(rest.copy());
        assertEquals(List.of("B@-1|P_2", "S@" + (b.length() - 3)), seen);
    }

    @Test
    void aTerminateEndsWhatIsForwarded() {
        Buffer s = sync();
        Buffer terminate = Buffer.buffer().appendByte((byte) 'X').appendInt(4);
        Buffer out = mapping.toServer(Wire.join(s, terminate, sync()));
        assertEquals(List.of("S@0", "X@" + s.length()), seen, "nothing after the Terminate is read for the session");
        assertEquals(List.of("S"), Wire.frontend(out), "the Terminate and what follows it never reach the server");
    }
}
