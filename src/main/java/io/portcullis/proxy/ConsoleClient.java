package io.portcullis.proxy;

import io.portcullis.net.InboundBytes;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

/**
 * What an admin console session may do with its client connection: write, stop and resume reading
 * (while a command such as {@code PAUSE} is pending), come back to its event loop after waiting on
 * another thread, and end the connection when the client sends Terminate.
 */
public final class ConsoleClient {

    private final NetSocket socket;
    private final InboundBytes inbound;
    private final Context context;
    private final int id;
    private final String user;
    private final Runnable terminate;

    ConsoleClient(NetSocket socket, InboundBytes inbound, Context context, int id, String user, Runnable terminate) {
        this.socket = socket;
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

    public void write(Buffer data) {
        socket.write(data);
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
