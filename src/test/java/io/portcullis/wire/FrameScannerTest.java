package io.portcullis.wire;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static io.portcullis.wire.Bytes.buf;
import static io.portcullis.wire.Bytes.of;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameScannerTest {
    private static final int CAP = 16;
    private static final String INTERESTING = "PBCXS";

    /** What the listener saw, with the frame start made absolute (-1 when reported as "earlier chunk"). */
    record Seen(byte type, int absoluteStart, byte[] body, boolean truncated, int bodyLength) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Seen s && s.type == type && s.absoluteStart == absoluteStart
                    && Arrays.equals(s.body, body) && s.truncated == truncated && s.bodyLength == bodyLength;
        }

        @Override
        public int hashCode() {
            return type;
        }

        @Override
        public String toString() {
            return (char) type + "@" + absoluteStart + ":" + Arrays.toString(body) + (truncated ? " truncated/" + bodyLength : "");
        }
    }

    /** Feeds the stream in chunks cut at {@code cuts} and records every report. */
    private static List<Seen> scan(byte[] stream, int... cuts) {
        List<Seen> seen = new ArrayList<>();
        int[] chunkOffset = new int[1];
        FrameScanner scanner = new FrameScanner(Bytes.types(INTERESTING), CAP, new FrameScanner.Listener() {
            @Override
            public void onFrame(byte type, int startInChunk, Buffer body) {
                seen.add(new Seen(type, startInChunk < 0 ? -1 : chunkOffset[0] + startInChunk, body.getBytes(), false, body.length()));
            }

            @Override
            public void onTruncatedFrame(byte type, int startInChunk, Buffer bodyPrefix, int bodyLength) {
                seen.add(new Seen(type, startInChunk < 0 ? -1 : chunkOffset[0] + startInChunk, bodyPrefix.getBytes(), true, bodyLength));
            }
        });
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : stream.length;
            chunkOffset[0] = from;
            scanner.scan(Buffer.buffer(stream).slice(from, to));
            from = to;
        }
        assertTrue(scanner.atFrameBoundary());
        return seen;
    }

    /** A frame: type, int32 length, body. */
    private static byte[] frame(char type, byte[] body) {
        return Buffer.buffer().appendByte((byte) type).appendInt(body.length + 4).appendBytes(body).getBytes();
    }

    private static byte[] filler(int length, int seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Frames of the test stream, and their absolute start offsets. */
    private final List<byte[]> frames = List.of(
            frame('P', of("s1", 0, "select 1", 0, 0, 0)),           // interesting, fits
            frame('D', of('S' + 0)),                                 // uninteresting, 1-byte body
            frame('B', of("", 0, "s1", 0, 0, 0, 0, 0, 0, 0)),       // interesting, fits
            frame('E', of("", 0, 0, 0, 0, 0)),                       // uninteresting (Execute)
            frame('S', new byte[0]),                                 // interesting, empty body
            frame('Q', filler(300, 1)),                              // uninteresting, long
            frame('P', of("a_long_statement_name_beyond_cap", 0, "select 2", 0, 0, 0)), // truncated
            frame('H', new byte[0]),                                 // uninteresting, empty
            frame('C', of('S' + 0, "s1", 0)),                        // interesting
            frame('X', new byte[0]));                                // interesting, last

    private byte[] stream() {
        Buffer all = Buffer.buffer();
        frames.forEach(all::appendBytes);
        return all.getBytes();
    }

    private List<Seen> expected(int... cuts) {
        List<Seen> expected = new ArrayList<>();
        int offset = 0;
        for (byte[] f : frames) {
            char type = (char) f[0];
            int bodyLength = f.length - 5;
            if (INTERESTING.indexOf(type) >= 0) {
                int end = offset + f.length;
                // reported in the chunk where the frame ends; start known only if it began in that chunk
                int chunkStart = 0;
                for (int cut : cuts) {
                    if (cut < end) {
                        chunkStart = Math.max(chunkStart, cut);
                    }
                }
                int start = offset >= chunkStart ? offset : -1;
                int captured = Math.min(bodyLength, CAP);
                expected.add(new Seen((byte) type, start, Arrays.copyOfRange(f, 5, 5 + captured), captured < bodyLength, bodyLength));
            }
            offset += f.length;
        }
        return expected;
    }

    @Test
    void wholeStreamInOneChunk() {
        List<Seen> seen = scan(stream());
        assertEquals(expected(), seen);
        assertEquals(6, seen.size());
        assertArrayEquals(of("s1", 0, "select 1", 0, 0, 0), seen.get(0).body());
        assertTrue(seen.get(3).truncated());
        assertEquals("a_long_statement", new String(seen.get(3).body()));
    }

    @Test
    void everySingleSplitReportsTheSameFrames() {
        byte[] stream = stream();
        for (int cut = 0; cut <= stream.length; cut++) {
            assertEquals(expected(cut), scan(stream, cut), "split at " + cut);
        }
    }

    @Test
    void everyPairOfSplitsOverTheFirstFramesReportsTheSameFrames() {
        byte[] stream = stream();
        int limit = frames.get(0).length + frames.get(1).length + frames.get(2).length + frames.get(3).length + 12;
        for (int first = 0; first <= limit; first++) {
            for (int second = first; second <= limit; second++) {
                assertEquals(expected(first, second), scan(stream, first, second), "splits at " + first + "," + second);
            }
        }
    }

    @Test
    void byteByByte() {
        byte[] stream = stream();
        int[] cuts = new int[stream.length - 1];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = i + 1;
        }
        List<Seen> seen = scan(stream, cuts);
        assertEquals(expected(cuts), seen);
        // every frame is longer than one byte, so none completes in the chunk it started in
        assertTrue(seen.stream().allMatch(s -> s.absoluteStart() == -1));
    }

    @Test
    void randomChunkingMatchesTheWholeStream() {
        byte[] stream = stream();
        Random random = new Random(7);
        for (int round = 0; round < 2000; round++) {
            List<Integer> cutList = new ArrayList<>();
            int position = 0;
            while (true) {
                position += 1 + random.nextInt(40);
                if (position >= stream.length) {
                    break;
                }
                cutList.add(position);
            }
            int[] cuts = cutList.stream().mapToInt(Integer::intValue).toArray();
            assertEquals(expected(cuts), scan(stream, cuts), "cuts " + cutList);
        }
    }

    @Test
    void bodyInsideTheChunkIsASliceNotACopy() {
        List<Buffer> bodies = new ArrayList<>();
        FrameScanner scanner = new FrameScanner(Bytes.types("P"), 64, (type, start, body) -> bodies.add(body));
        Buffer chunk = Buffer.buffer(frame('P', of("abc", 0)));
        scanner.scan(chunk);
        assertEquals(1, bodies.size());
        chunk.setByte(5, (byte) 'z');
        assertEquals('z', bodies.get(0).getByte(0), "the body must share the chunk's memory");
    }

    @Test
    void bodyStraddlingChunksIsAssembled() {
        List<String> seen = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        FrameScanner scanner = new FrameScanner(Bytes.types("Z"), 8, (type, start, body) -> {
            seen.add(body.toString());
            starts.add(start);
        });
        byte[] stream = of(frame('Z', of("I")), frame('D', filler(50, 3)), frame('Z', of("T")));
        scanner.scan(Buffer.buffer(stream).slice(0, 5));        // header of Z only
        assertTrue(seen.isEmpty());
        assertFalse(scanner.atFrameBoundary());
        scanner.scan(Buffer.buffer(stream).slice(5, 30));       // body of Z, part of D
        assertEquals(List.of("I"), seen);
        assertEquals(List.of(-1), starts);
        assertFalse(scanner.atFrameBoundary());
        scanner.scan(Buffer.buffer(stream).slice(30, stream.length)); // rest of D, whole second Z
        assertEquals(List.of("I", "T"), seen);
        assertEquals(-1, starts.get(0));
        assertEquals(6 + 55 - 30, starts.get(1));
        assertTrue(scanner.atFrameBoundary());
    }

    @Test
    void defaultTruncatedCallbackDeliversThePrefix() {
        List<String> seen = new ArrayList<>();
        FrameScanner scanner = new FrameScanner(Bytes.types("Q"), 4, (type, start, body) -> seen.add(body.toString()));
        byte[] stream = frame('Q', of("select 1", 0));
        scanner.scan(Buffer.buffer(stream).slice(0, 7));
        scanner.scan(Buffer.buffer(stream).slice(7, stream.length));
        assertEquals(List.of("sele"), seen);
    }

    @Test
    void zeroCaptureStillReportsFrames() {
        List<Integer> lengths = new ArrayList<>();
        FrameScanner scanner = new FrameScanner(Bytes.types("P"), 0, new FrameScanner.Listener() {
            @Override
            public void onFrame(byte type, int startInChunk, Buffer body) {
                lengths.add(body.length());
            }

            @Override
            public void onTruncatedFrame(byte type, int startInChunk, Buffer bodyPrefix, int bodyLength) {
                assertEquals(0, bodyPrefix.length());
                lengths.add(-bodyLength);
            }
        });
        scanner.scan(buf(frame('P', of("x", 0)), frame('P', new byte[0])));
        assertEquals(List.of(-2, 0), lengths);
    }

    @Test
    void hugeUninterestingBodyIsSkippedByLength() {
        List<Character> seen = new ArrayList<>();
        FrameScanner scanner = new FrameScanner(Bytes.types("Z"), 8, (type, start, body) -> seen.add((char) type));
        int bodyLength = 1 << 30;
        scanner.scan(Buffer.buffer().appendByte((byte) 'd').appendInt(bodyLength + 4));
        Buffer slab = Buffer.buffer(new byte[1 << 20]);
        for (int i = 0; i < 1024; i++) {
            scanner.scan(slab);
        }
        assertTrue(scanner.atFrameBoundary());
        scanner.scan(buf(frame('Z', of("I"))));
        assertEquals(List.of('Z'), seen);
    }

    @Test
    void lengthBelowFourIsAViolationEvenWhenTheHeaderIsSplit() {
        FrameScanner whole = new FrameScanner(Bytes.types("P"), 8, (type, start, body) -> { });
        assertThrows(ProtocolViolation.class, () -> whole.scan(buf('D' + 0, 0, 0, 0, 3)));
        FrameScanner split = new FrameScanner(Bytes.types("P"), 8, (type, start, body) -> { });
        split.scan(buf('D' + 0, 0, 0));
        assertThrows(ProtocolViolation.class, () -> split.scan(buf(0, 2)));
        FrameScanner negative = new FrameScanner(Bytes.types("P"), 8, (type, start, body) -> { });
        assertThrows(ProtocolViolation.class, () -> negative.scan(buf('P' + 0, 0x80, 0, 0, 0)));
    }

    @Test
    void nonAsciiTypesAreNeverInteresting() {
        List<Byte> seen = new ArrayList<>();
        FrameScanner scanner = new FrameScanner(Bytes.types("PBCXZ?@~"), 8, (type, start, body) -> seen.add(type));
        scanner.scan(buf(0xD0, 0, 0, 0, 4, '@' + 0, 0, 0, 0, 4, '~' + 0, 0, 0, 0, 4, '?' + 0, 0, 0, 0, 4));
        assertEquals(List.of((byte) '@', (byte) '~', (byte) '?'), seen);
    }
}
