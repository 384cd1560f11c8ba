package io.portcullis.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;

import java.time.Duration;

/**
 * Every write to one connection ({@link ClientStream}), under one backpressure rule: once its write queue is full (Netty's channel
 * is not writable: more than the high water mark waits to be sent), nothing more is read from what feeds
 * it until the queue drains. What feeds it is the socket's own reads, always, because what a peer sends
 * is answered on the same socket ({@link InboundBytes#OWN_WRITES_FULL}), and whatever the {@link Listener}
 * stops: the server connection whose answers are forwarded here, a console that answers one command at
 * a time. So a peer that sends and never reads makes the gateway hold at most the high water mark plus
 * the answers to the few reads already taken in, whatever it sends: bytes forwarded, answers the gateway
 * makes itself, console output and error responses alike.
 *
 * <p>The check after each write reads one flag of the channel, as the write itself does; the drain
 * handler is set once, at the first full queue, and kept: nothing here allocates per write.
 *
 * <p>The socket's context only.
 */
public final class OutboundBytes {

    /** Told when the queue fills and drains; the socket's context. */
    public interface Listener {
        /** The queue is full: stop whatever else feeds it. */
        void full();

        /** The queue drained: what was stopped may go on. */
        void drained();
    }

    /**
     * How long a closing socket may take to hand its last bytes to a peer that does not read them; then
     * it is closed without them. Vert.x closes a socket only once everything written has been flushed,
     * which never happens for a peer that stopped reading.
     */
    static final Duration CLOSE_GRACE = Duration.ofSeconds(10);

    private static final Listener NO_LISTENER = new Listener() {
        @Override
        public void full() {
        }

        @Override
        public void drained() {
        }
    };

    private final ClientStream stream;
    private final Channel channel;
    /** Vert.x's handler in the channel's pipeline. */
    private final ChannelHandlerContext handlerContext;
    private final Context context;
    private final InboundBytes reads;
    private Listener listener = NO_LISTENER;
    private boolean full;
    private boolean drainHandlerSet;
    private boolean closing;

    /**
     * @param context the socket's own context
     * @param reads   the same socket's reads, stopped while the queue is full
     */
    public OutboundBytes(ClientStream stream, Context context, InboundBytes reads) {
        this.stream = stream;
        this.handlerContext = stream.handlerContext();
        this.channel = handlerContext.channel();
        this.context = context;
        this.reads = reads;
    }


    /** Whoever else feeds the socket now; null for nobody. Replaces the previous listener. */
    public void listener(Listener newListener) {
        this.listener = newListener == null ? NO_LISTENER : newListener;
    }

    /** Writes bytes of the gateway's own; the buffer is left as it is (it may be reused). */
    public void write(Buffer data) {
        stream.write(data);
        checkFull();
    }

    /** Forwards a chunk read off a socket, which this takes ({@link OwnedBytes#send}). */
    public void send(Buffer chunk) {
        stream.send(chunk);
        checkFull();
    }

    /** Whether the queue is full: writing more only adds to what the peer has not taken. */
    public boolean full() {
        return full;
    }

    /**
     * Writes a last message (an ErrorResponse) and closes once it is sent, or after {@link #CLOSE_GRACE}
     * when the peer does not take it. Null writes nothing.
     */
    public void writeAndClose(Buffer last) {
        if (last != null && !closing) {
            stream.write(last);
        }
        close();
    }

    /** Closes once what was written is sent, or after {@link #CLOSE_GRACE}; idempotent. */
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        stream.close();
        long timer = context.owner().setTimer(CLOSE_GRACE.toMillis(), t -> {
            if (channel.isOpen()) {
                // From Vert.x's own handler onwards: a close through the whole pipeline is turned back
                // into the close that waits for the flush. This one drops what the peer never read.
                handlerContext.close();
            }
        });
        channel.closeFuture().addListener(f -> context.owner().cancelTimer(timer)); // keeps timers few under churn
    }

    private void checkFull() {
        if (!full && stream.writeQueueFull()) {
            full = true;
            reads.pause(InboundBytes.OWN_WRITES_FULL);
            if (!drainHandlerSet) {
                // Set once and kept: NetSocket.drainHandler schedules a task on every call.
                drainHandlerSet = true;
                stream.drainHandler(v -> onDrain());
            }
            listener.full();
        }
    }

    private void onDrain() {
        if (full && !stream.writeQueueFull()) {
            full = false;
            reads.resume(InboundBytes.OWN_WRITES_FULL);
            listener.drained();
        }
    }
}
