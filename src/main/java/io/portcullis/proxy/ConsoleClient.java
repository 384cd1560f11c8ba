package io.portcullis.proxy;

import io.portcullis.net.InboundBytes;
import io.portcullis.net.OutboundBytes;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;

/**
 * What an admin console session may do with its client connection: write (under the backpressure rule
 * of every client write, {@link OutboundBytes}), learn when the client has taken what was written, stop
 * and resume reading (while a command such as {@code PAUSE} is pending), come back to its event loop
 * after waiting on another thread, and end the connection when the client sends Terminate.
 */
public final class ConsoleClient {

    private final OutboundBytes outbound;
    private final InboundBytes inbound;
    private final Context context;
    private final int id;
    private final String user;
    private final Runnable terminate;

    ConsoleClient(OutboundBytes outbound, InboundBytes inbound, Context context, int id, String user, Runnable terminate) {
        this.outbound = outbound;
        this.inbound = inbound;
        this.context = context;
        this.id = id;
        this.user = user;
        this.terminate = terminate;
    }

    /** The session's process id, as SHOW CLIENTS lists it. */
    public int id() {
        return id;
    }

    public String user() {
        return user;
    }

    /** Writes to the client; once its write queue is full, reading stops until it drains. */
    public void write(Buffer data) {
        outbound.write(data);
    }

    /**
     * Whether the client has room for more: false while its write queue is full. A session that answers
     * several commands from one read must stop answering then, and go on at {@link #whenDrained}.
     */
    public boolean writable() {
        return !outbound.full();
    }

    /** Runs {@code action} (on the client's event loop) each time a full write queue has drained. */
    public void whenDrained(Runnable action) {
        outbound.listener(new OutboundBytes.Listener() {
            @Override
            public void full() {
                // reading has stopped; the session checks writable() before each command
            }

            @Override
            public void drained() {
                action.run();
            }
        });
    }

    /** Stops reading from the client until {@link #resumeReading()}. */
    public void pauseReading() {
        inbound.pause();
    }

    public void resumeReading() {
        inbound.resume();
    }

    /** Runs {@code action} on the client's event loop. */
    public void runOnContext(Runnable action) {
        context.runOnContext(v -> action.run());
    }

    /** The client said goodbye (Terminate): the connection closes. Call on the client's event loop. */
    public void terminate() {
        terminate.run();
    }
}
