package io.portcullis.wire;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the two framers of the typed message stream against each other: {@link FrameDecoder} (login
 * phase, copies frames) and {@link FrameScanner} (forwarding, reads headers only), each fed its own
 * chunking of the same bytes, and then the {@link MessageReader} of every frame the gateway reads.
 *
 * <p>Invariants:
 * <ul>
 *   <li>both see the same frames (type, length, leading bytes) and the same frame boundaries, and both
 *       refuse the stream (with {@link ProtocolViolation} only) at the same frame, whatever the chunking;</li>
 *   <li>a decoder limited to {@link FrameDecoder#MAX_AUTH_FRAME_LENGTH} refuses a longer frame from its
 *       header and never holds more than that while waiting;</li>
 *   <li>a scanner never hands out more than its capture limit of a body;</li>
 *   <li>every reader the gateway applies to a frame of that type fails only with {@link ProtocolViolation}.</li>
 * </ul>
 *
 * <p>Regression inputs: {@code src/test/resources/io/portcullis/wire/FramingFuzzTestInputs/anyChunks/}
 * (the last eight bytes pick the two chunkings, see {@link Chunking}). Fuzz with {@code JAZZER_FUZZ=1}.
 */
class FramingFuzzTest {

    /** Body bytes compared between the two framers; the scanner captures at most this much. */
    private static final int COMPARED_BODY = 1024;
    /** A small capture limit, to check that truncation holds. */
    private static final int SMALL_CAPTURE = 16;
    /** Every ASCII type byte: the scanner reports them all (type bytes above 127 are never "interesting"). */
    private static final String ALL_ASCII_TYPES;

    static {
        StringBuilder types = new StringBuilder(128);
        for (char c = 0; c < 128; c++) {
            types.append(c);
        }
        ALL_ASCII_TYPES = types.toString();
    }

    /** A frame as both framers can report it: type, full body length, and the first bytes of the body. */
    private record Seen(byte type, int bodyLength, Buffer prefix) {
        static Seen of(byte type, int bodyLength, Buffer body) {
            return new Seen(type, bodyLength, body.getBuffer(0, Math.min(body.length(), COMPARED_BODY)));
        }
    }

    /** What one framer made of the stream; {@code ends} are offsets just after each frame. */
    private record Framed(List<Seen> frames, Set<Long> ends, boolean violation) {
    }

    @FuzzTest
    void anyChunks(FuzzedDataProvider data) {
        int decoderSeed = data.consumeInt();
        int scannerSeed = data.consumeInt();
        byte[] stream = data.consumeRemainingAsBytes();

        Framed decoded = decode(Chunking.cut(stream, decoderSeed), Integer.MAX_VALUE);
        List<Boolean> boundaries = new ArrayList<>();
        List<Long> chunkEnds = new ArrayList<>();
        Framed scanned = scan(Chunking.cut(stream, scannerSeed), boundaries, chunkEnds);

        assertEquals(decoded.violation(), scanned.violation(), "one framer refused the stream and the other did not");
        assertEquals(ascii(decoded.frames()), scanned.frames(), "the framers disagree on the frames");
        for (int i = 0; i < boundaries.size(); i++) {
            long offset = chunkEnds.get(i);
            boolean expected = decoded.ends().contains(offset);
            assertEquals(expected, boundaries.get(i), "frame boundary at offset " + offset);
        }

        decode(Chunking.cut(stream, decoderSeed), FrameDecoder.MAX_AUTH_FRAME_LENGTH);
        scanSmall(Chunking.cut(stream, scannerSeed));
    }

    /** Frames as the login phase reads them, each passed to the readers the gateway applies to its type. */
    private static Framed decode(List<Buffer> chunks, int maxFrameLength) {
        FrameDecoder decoder = new FrameDecoder(maxFrameLength);
        List<Seen> frames = new ArrayList<>();
        Set<Long> ends = new HashSet<>();
        ends.add(0L);
        long offset = 0;
        try {
            for (Buffer chunk : chunks) {
                decoder.offer(chunk);
                for (Frame frame = decoder.next(); frame != null; frame = decoder.next()) {
                    assertTrue(frame.length() + 4 <= maxFrameLength, "a frame over the limit was returned");
                    frames.add(Seen.of(frame.type(), frame.length(), frame.body()));
                    offset += 1 + 4 + frame.length();
                    ends.add(offset);
                    GatewayReaders.read(frame);
                }
                assertTrue(decoder.buffered() <= maxFrameLength,
                        "waiting with " + decoder.buffered() + " bytes buffered; the limit is " + maxFrameLength);
            }
        } catch (ProtocolViolation e) {
            assertNotNull(e.getMessage());
            return new Framed(frames, ends, true);
        }
        return new Framed(frames, ends, false);
    }

    /** Frames as forwarding follows them; records, after each chunk, whether it ended between frames. */
    private static Framed scan(List<Buffer> chunks, List<Boolean> boundaries, List<Long> chunkEnds) {
        List<Seen> frames = new ArrayList<>();
        FrameScanner scanner = new FrameScanner(Bytes.types(ALL_ASCII_TYPES), COMPARED_BODY, new FrameScanner.Listener() {
            @Override
            public void onFrame(byte type, int startInChunk, Buffer body) {
                frames.add(Seen.of(type, body.length(), body));
            }

            @Override
            public void onTruncatedFrame(byte type, int startInChunk, Buffer bodyPrefix, int bodyLength) {
                assertEquals(COMPARED_BODY, bodyPrefix.length());
                frames.add(Seen.of(type, bodyLength, bodyPrefix));
            }
        });
        long offset = 0;
        try {
            for (Buffer chunk : chunks) {
                scanner.scan(chunk);
                offset += chunk.length();
                chunkEnds.add(offset);
                boundaries.add(scanner.atFrameBoundary());
            }
        } catch (ProtocolViolation e) {
            assertNotNull(e.getMessage());
            return new Framed(frames, Set.of(), true);
        }
        return new Framed(frames, Set.of(), false);
    }

    /** A scanner with a small capture never hands out more than that, nor slices outside the chunk. */
    private static void scanSmall(List<Buffer> chunks) {
        FrameScanner scanner = new FrameScanner(Bytes.types("PBCDSQXpREZK"), SMALL_CAPTURE, (type, startInChunk, body) ->
                assertTrue(body.length() <= SMALL_CAPTURE, "captured " + body.length() + " body bytes"));
        try {
            for (Buffer chunk : chunks) {
                scanner.scan(chunk);
            }
        } catch (ProtocolViolation expected) {
            assertNotNull(expected.getMessage());
        }
    }

    private static List<Seen> ascii(List<Seen> frames) {
        return frames.stream().filter(f -> f.type() >= 0).toList();
    }
}
