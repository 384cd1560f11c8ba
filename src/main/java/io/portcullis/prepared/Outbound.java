package io.portcullis.prepared;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;

/**
 * The pieces of one rewritten chunk (slices of what arrived, frames the gateway built) joined into
 * one Buffer, so the chunk still goes out in one write and one flush. Large results are composed
 * without copying; small ones are copied, which is cheaper than a composite.
 */
final class Outbound {

    /** Below this many bytes the pieces are copied into one buffer rather than composed. */
    static final int COPY_BELOW = 512;

    private final List<Buffer> pieces = new ArrayList<>();
    private int length;

    void add(Buffer piece) {
        if (piece.length() > 0) {
            pieces.add(piece);
            length += piece.length();
        }
    }

    void addAll(List<Buffer> more) {
        for (Buffer piece : more) {
            add(piece);
        }
    }

    boolean isEmpty() {
        return length == 0;
    }

    /** Everything added since the last build, as one buffer (empty when nothing was added). */
    Buffer build() {
        try {
            if (pieces.size() == 1) {
                return pieces.get(0);
            }
            if (length < COPY_BELOW) {
                Buffer joined = Buffer.buffer(length);
                pieces.forEach(joined::appendBuffer);
                return joined;
            }
            ByteBuf[] parts = new ByteBuf[pieces.size()];
            for (int i = 0; i < parts.length; i++) {
                parts[i] = pieces.get(i).getByteBuf();
            }
            return Buffer.buffer(Unpooled.wrappedBuffer(parts));
        } finally {
            pieces.clear();
            length = 0;
        }
    }
}
