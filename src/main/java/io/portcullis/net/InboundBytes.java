package io.portcullis.net;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads a connection ({@link ClientStream}) as Netty delivers it: on TCP each read reaches the handler as a
 * chunk wrapping Netty's own buffer, which the handler then owns ({@link OwnedBytes}). Vert.x's {@code NetSocket.handler} copies
 * every read into a new heap buffer first and queues it through an {@code InboundBuffer}; on a proxy's
 * data path that is a copy, an allocation and a queue hop per read in each direction, and the heap copy
 * is copied again into direct memory when written on. Replaces {@code NetSocket.handler},
 * {@code pause} and {@code resume}, which must not be used on the same socket.
 *
 * <p>Pausing is lazy, as Vert.x's is: reads that still arrive are held, in order, and only once
 * {@link #HOLD_LIMIT} of them are held does the socket stop reading, so a pause and resume per
 * transaction (transaction pooling) costs no change of the channel's read interest. Resume delivers
 * what was held before anything newer. Holding is bounded: a paused socket never buffers more than a
 * few reads.
 *
 * <p>Several parties may stop the reads, each for its own reason (a bit: {@link #BY_OWNER},
 * {@link #OWN_WRITES_FULL}, {@link #PEER_WRITES_FULL}, {@link #ANSWERS_OWED}); the socket reads again only
 * once every reason is lifted, so one party's resume never undoes another's pause.
 *
 * <p>The handler runs on the socket's context. {@link #pause} and {@link #resume} may be called from
 * any thread.
 */
public final class InboundBytes {

    /** Reads held while paused before the socket stops reading. */
    static final int HOLD_LIMIT = 4;

    /** The owner's state machine: logging in, waiting for a server connection, a console command running. */
    public static final int BY_OWNER = 1;
    /** This socket's own write queue is full: what it sends would be answered there ({@link OutboundBytes}). */
    public static final int OWN_WRITES_FULL = 1 << 1;
    /** The socket these reads are forwarded to has a full write queue. */
    public static final int PEER_WRITES_FULL = 1 << 2;
    /** Whoever consumes the reads owes more answers than it keeps (the statement mapping's plan). */
    public static final int ANSWERS_OWED = 1 << 3;

    private final ClientStream stream;
    private final Context context;
    private final Handler<Buffer> handler;
    /** Reads that arrived while paused; the socket's context only. */
    private final ArrayDeque<Buffer> held = new ArrayDeque<>();
    /** The reasons reading is paused for, as bits; 0 while reading. */
    private final AtomicInteger pausedFor = new AtomicInteger();
    /** Whether this reader turned the channel's auto-read off; the socket's context only. */
    private boolean stoppedReading;
    /** Once discarded, reads are released on arrival; the socket's context only. */
    private boolean discarded;

    /**
     * @param context the socket's own context (where Vert.x delivers its reads)
     * @param handler receives each read and owns it
     */
    public InboundBytes(ClientStream stream, Context context, Handler<Buffer> handler) {
        this.stream = stream;
        this.context = context;
        this.handler = handler;
        stream.readHandler(this::onChunk);
    }

    /** A TCP socket's reads ({@link TcpStream}). */
    public InboundBytes(NetSocket socket, Context context, Handler<Buffer> handler) {
        this(new TcpStream(socket), context, handler);
    }

    private void onChunk(Buffer chunk) {
        if (discarded || chunk.length() == 0) {
            OwnedBytes.release(chunk);
            return;
        }
        if (pausedFor.get() != 0 || !held.isEmpty()) {
            held.addLast(chunk);
            if (held.size() >= HOLD_LIMIT && !stoppedReading) {
                stoppedReading = true;
                stream.autoRead(false);
            }
            return;
        }
        handler.handle(chunk);
    }

    /** Stops delivering reads until {@link #resume}, for the owner's reason ({@link #BY_OWNER}); any thread. */
    public void pause() {
        pause(BY_OWNER);
    }

    /** Lifts {@link #pause()}; any thread. */
    public void resume() {
        resume(BY_OWNER);
    }

    /** Stops delivering reads until {@code reason} is lifted by {@link #resume(int)}; any thread. */
    public void pause(int reason) {
        int now;
        do {
            now = pausedFor.get();
        } while ((now & reason) != reason && !pausedFor.compareAndSet(now, now | reason));
    }

    /**
     * Lifts one reason; once none is left, delivers what was held, then reads again. Any thread; held
     * reads are delivered on a later turn of the loop. Lifting a reason that was not given does nothing.
     */
    public void resume(int reason) {
        int before;
        do {
            before = pausedFor.get();
        } while ((before & reason) != 0 && !pausedFor.compareAndSet(before, before & ~reason));
        if ((before & reason) == 0 || (before & ~reason) != 0) {
            return;
        }
        if (Vertx.currentContext() == context && held.isEmpty()) {
            readAgain();
        } else {
            context.runOnContext(v -> deliverHeld());
        }
    }

    /** Whether any reason to pause is in force. */
    public boolean paused() {
        return pausedFor.get() != 0;
    }

    private void deliverHeld() {
        while (pausedFor.get() == 0 && !discarded && !held.isEmpty()) {
            handler.handle(held.pollFirst());
        }
        if (pausedFor.get() == 0) {
            readAgain();
        }
    }

    private void readAgain() {
        if (stoppedReading && !discarded) {
            stoppedReading = false;
            stream.autoRead(true);
        }
    }

    /** The socket is done with: held reads are released, later ones released on arrival. The socket's context. */
    public void discard() {
        discarded = true;
        while (!held.isEmpty()) {
            OwnedBytes.release(held.pollFirst());
        }
    }
}
