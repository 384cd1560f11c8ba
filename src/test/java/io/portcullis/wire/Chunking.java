package io.portcullis.wire;

import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Test helper for the fuzz targets: cuts one byte stream into the chunks a socket might deliver.
 * The cut is a pure function of {@code seed}, so a finding replays exactly; the low two bits pick the
 * shape (whole, byte by byte, small random pieces, large random pieces), the rest seeds the sizes.
 */
final class Chunking {

    /** Largest random piece in the "large" shape: a few frame headers and bodies at once. */
    private static final int LARGE_PIECE = 257;
    /** Largest random piece in the "small" shape: cuts inside headers and length fields. */
    private static final int SMALL_PIECE = 7;

    private Chunking() {
    }

    static List<Buffer> cut(byte[] stream, int seed) {
        List<Buffer> chunks = new ArrayList<>();
        int shape = seed & 3;
        if (shape == 0 || stream.length == 0) {
            chunks.add(Buffer.buffer(stream));
            return chunks;
        }
        SplittableRandom random = new SplittableRandom(seed >>> 2);
        int position = 0;
        while (position < stream.length) {
            int size = switch (shape) {
                case 1 -> 1;
                case 2 -> 1 + random.nextInt(SMALL_PIECE);
                default -> 1 + random.nextInt(LARGE_PIECE);
            };
            int end = Math.min(stream.length, position + size);
            chunks.add(Buffer.buffer(java.util.Arrays.copyOfRange(stream, position, end)));
            position = end;
        }
        return chunks;
    }
}
