package io.portcullis.net;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.buffer.impl.BufferImpl;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.impl.NetSocketInternal;

/**
 * What may be done with a chunk that {@link InboundBytes} delivered: it may wrap pooled (often direct)
 * memory that Netty lent, so whoever holds it writes it exactly once with {@link #send} or gives it back
 * with {@link #release}, and reads it only before that. A slice shares its chunk's memory: sending one
 * slice of a chunk uses up the chunk.
 *
 * <p>Heap buffers of our own (Vert.x's {@code Buffer.buffer()}) ignore release, so code that mixes
 * them with chunks read off a socket may treat both alike.
 */
public final class OwnedBytes {

    private OwnedBytes() {
    }

    /**
     * Writes {@code chunk} to {@code socket} and hands its memory to Netty, which releases it once
     * written. {@code NetSocket.write} cannot do this: it writes an unreleasable view, so pooled memory
     * would never go back. No completion is asked for: a failed write closes the socket, which its
     * close handler reports.
     */
    public static void send(NetSocket socket, Buffer chunk) {
        ((NetSocketInternal) socket).writeMessage(unwrap(chunk), null);
    }

    /** Gives the chunk's memory back; a no-op for heap buffers of our own. Safe to call on null. */
    public static void release(Buffer chunk) {
        if (chunk != null) {
            ReferenceCountUtil.release(unwrap(chunk));
        }
    }

    /** A heap copy of the chunk, which is released: for code that keeps bytes beyond the call. */
    public static Buffer copyAndRelease(Buffer chunk) {
        try {
            // Not chunk.copy(): that allocates from the chunk's own (pooled, direct) allocator.
            return Buffer.buffer(chunk.length()).appendBuffer(chunk);
        } finally {
            release(chunk);
        }
    }

    /**
     * The Netty buffer itself. {@code Buffer.getByteBuf()} would return an unreleasable slice; Vert.x 4.5
     * reaches the wrapped buffer only through its implementation class (Vert.x 5 has {@code BufferInternal}).
     */
    static ByteBuf unwrap(Buffer chunk) {
        return ((BufferImpl) chunk).byteBuf();
    }
}
