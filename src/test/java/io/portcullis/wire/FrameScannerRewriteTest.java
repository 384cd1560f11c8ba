package io.portcullis.wire;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static io.portcullis.wire.Bytes.buf;
import static io.portcullis.wire.Bytes.of;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rewrite mode: heads reported with their position as soon as they are in, ends where frames end. */
class FrameScannerRewriteTest {

    /** One report, positions made absolute in the stream. */
    record Event(String kind, char type, int start, int position, String head, int bodyLength) {
    }

    private static byte[] frame(char type, byte[] body) {
        return Buffer.buffer().appendByte((byte) type).appendInt(body.length + 4).appendBytes(body).getBytes();
    }

    private final List<byte[]> frames = List.of(
            frame('P', of("s1", 0, "select 1", 0, 0, 0)),     // head = whole body (limit 64)
            frame('D', of('S' + 0, "s1", 0)),                 // uninteresting
            frame('B', of("", 0, "s1", 0, new byte[40])),     // head = first 8 bytes, rest streams
            frame('S', new byte[0]),                          // interesting, empty
            frame('B', of("p", 0, "s", 0)));                  // shorter than the head limit

    private byte[] stream() {
        Buffer all = Buffer.buffer();
        frames.forEach(all::appendBytes);
        return all.getBytes();
    }

    /** What must be reported for any chunking: heads at absolute head end, ends at absolute frame end. */
    private List<Event> expected(int... cuts) {
        List<Event> events = new ArrayList<>();
        int offset = 0;
        for (byte[] f : frames) {
            char type = (char) f[0];
            int body = f.length - 5;
            if ("PBS".indexOf(type) >= 0) {
                int head = Math.min(body, type == 'B' ? 8 : 64);
                int headEnd = offset + 5 + head;
                int chunkStart = chunkStartOf(headEnd, cuts);
                events.add(new Event("head", type, offset >= chunkStart ? offset : -1, headEnd,
                        new String(Arrays.copyOfRange(f, 5, 5 + head)), body));
                events.add(new Event("end", type, 0, offset + f.length, "", 0));
            }
            offset += f.length;
        }
        return events;
    }

    /** Start of the chunk a report at this absolute position is made in (a position on a cut belongs to the earlier chunk). */
    private static int chunkStartOf(int position, int... cuts) {
        int start = 0;
        for (int cut : cuts) {
            if (cut < position) {
                start = cut;
            }
        }
        return start;
    }

    private static List<Event> scan(byte[] stream, int... cuts) {
        List<Event> events = new ArrayList<>();
        int[] chunkOffset = new int[1];
        FrameScanner scanner = new FrameScanner(Bytes.types("PBS"), 64, new FrameScanner.RewriteListener() {
            @Override
            public void onHead(byte type, int startInChunk, int headEndInChunk, Buffer head, int bodyLength) {
                events.add(new Event("head", (char) type, startInChunk < 0 ? -1 : chunkOffset[0] + startInChunk,
                        chunkOffset[0] + headEndInChunk, head.toString(), bodyLength));
            }

            @Override
            public void onEnd(byte type, int endInChunk) {
                events.add(new Event("end", (char) type, 0, chunkOffset[0] + endInChunk, "", 0));
            }
        }).captureUpTo(Bytes.types("B"), 8);
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : stream.length;
            chunkOffset[0] = from;
            scanner.scan(Buffer.buffer(stream).slice(from, to));
            from = to;
        }
        assertTrue(scanner.atFrameBoundary());
        return events;
    }

    @Test
    void wholeStream() {
        List<Event> events = scan(stream());
        assertEquals(expected(), events);
        assertEquals(8, events.size());
        assertEquals("\0s1\0" + "\0".repeat(4), events.get(2).head(), "the Bind head is its first 8 bytes");
    }

    @Test
    void everySplitAndEveryPairOfSplitsReportTheSamePositions() {
        byte[] stream = stream();
        for (int first = 1; first < stream.length; first++) {
            assertEquals(expected(first), scan(stream, first), "split at " + first);
            for (int second = first + 1; second < stream.length; second += 3) {
                assertEquals(expected(first, second), scan(stream, first, second), "splits at " + first + "," + second);
            }
        }
    }

    @Test
    void byteByByteAndRandomChunks() {
        byte[] stream = stream();
        int[] every = new int[stream.length - 1];
        for (int i = 0; i < every.length; i++) {
            every[i] = i + 1;
        }
        assertEquals(expected(every), scan(stream, every));
        Random random = new Random(11);
        for (int round = 0; round < 500; round++) {
            List<Integer> cuts = new ArrayList<>();
            for (int p = 1 + random.nextInt(20); p < stream.length; p += 1 + random.nextInt(20)) {
                cuts.add(p);
            }
            int[] array = cuts.stream().mapToInt(Integer::intValue).toArray();
            assertEquals(expected(array), scan(stream, array), "cuts " + cuts);
        }
    }

    @Test
    void unreportedFrameStartTellsWhatToHoldBack() {
        FrameScanner scanner = new FrameScanner(Bytes.types("P"), 64, new FrameScanner.RewriteListener() {
            @Override
            public void onHead(byte type, int startInChunk, int headEndInChunk, Buffer head, int bodyLength) {
            }

            @Override
            public void onEnd(byte type, int endInChunk) {
            }
        });
        byte[] parse = frame('P', of("s", 0, "select 1", 0, 0, 0));
        byte[] execute = frame('E', of("", 0, 0, 0, 0, 0));
        Buffer stream = buf(execute, parse);
        scanner.scan(stream.slice(0, execute.length + 2));            // whole Execute, 2 bytes of the Parse header
        assertEquals(execute.length, scanner.unreportedFrameStart());
        scanner.scan(stream.slice(execute.length + 2, execute.length + 9)); // header done, part of the body
        assertEquals(-1, scanner.unreportedFrameStart());
        scanner.scan(stream.slice(execute.length + 9, stream.length()));
        assertEquals(FrameScanner.NO_UNREPORTED_FRAME, scanner.unreportedFrameStart());
        scanner.scan(stream.slice(0, 3));                             // inside an uninteresting header
        assertEquals(FrameScanner.NO_UNREPORTED_FRAME, scanner.unreportedFrameStart());
    }

    @Test
    void headInsideTheChunkIsASliceAndEmptyHeadsAllocateNothing() {
        List<Buffer> heads = new ArrayList<>();
        FrameScanner scanner = new FrameScanner(Bytes.types("PS"), 0, new FrameScanner.RewriteListener() {
            @Override
            public void onHead(byte type, int startInChunk, int headEndInChunk, Buffer head, int bodyLength) {
                heads.add(head);
            }

            @Override
            public void onEnd(byte type, int endInChunk) {
            }
        }).captureUpTo(Bytes.types("P"), 100);
        Buffer chunk = buf(frame('P', of("abc", 0)), frame('S', new byte[0]), frame('S', new byte[0]));
        scanner.scan(chunk);
        chunk.setByte(5, (byte) 'z');
        assertEquals('z', heads.get(0).getByte(0), "the head must share the chunk's memory");
        assertSame(heads.get(1), heads.get(2), "empty heads are one shared buffer");
    }
}
