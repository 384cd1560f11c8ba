package io.portcullis.pool;

import io.portcullis.wire.FrameScanner;
import io.portcullis.wire.FrameTypes;
import io.portcullis.wire.MessageTypes;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.time.Duration;

/**
 * A short request the pool runs on a server connection no client holds (the hand-over's Closes and
 * DISCARD ALL, the server check query): sends one batch, reads only ErrorResponse and ReadyForQuery,
 * and succeeds once the expected ReadyForQuery messages came back with no error before them. A
 * broken stream, a closed connection or the timeout fails it; the pool then closes the connection.
 * Everything runs on the connection's own context.
 */
abstract class ServerExchange implements ServerConnection.Sink {

    private static final FrameTypes READY_OR_ERROR =
            FrameTypes.of(MessageTypes.READY_FOR_QUERY, MessageTypes.ERROR_RESPONSE);

    private final Vertx vertx;
    final ServerConnection conn;
    private final Promise<Void> done = Promise.promise();
    private final FrameScanner scanner = new FrameScanner(READY_OR_ERROR, 0, (type, startInChunk, body) -> onFrame(type));
    private final String failure;
    private int readyExpected;
    private boolean errorSeen;
    private long timer = -1;

    /** @param failure what the failed future says when the exchange does not pass */
    ServerExchange(Vertx vertx, ServerConnection conn, String failure) {
        this.vertx = vertx;
        this.conn = conn;
        this.failure = failure;
    }

    Future<Void> future() {
        return done.future();
    }

    /** The exchange had nothing to send. */
    final void succeedAtOnce() {
        done.tryComplete();
    }

    /** Whether a connection found closed before anything was sent fails the exchange (then it did). */
    final boolean failIfClosed() {
        if (conn.isClosed()) {
            done.tryFail("closed");
            return true;
        }
        return false;
    }

    /** Sends {@code batch}, which earns {@code readyMessages} ReadyForQuery replies, and waits for them. */
    final void send(Buffer batch, int readyMessages, Duration timeout) {
        readyExpected = readyMessages;
        conn.sink(this);
        timer = vertx.setTimer(Math.max(1, timeout.toMillis()), t -> finish(false));
        conn.write(batch);
    }

    /** A further condition on success once every reply is in; by default none. */
    boolean acceptable() {
        return true;
    }

    private void onFrame(byte type) {
        if (type == MessageTypes.ERROR_RESPONSE) {
            errorSeen = true;
        } else if (type == MessageTypes.READY_FOR_QUERY && --readyExpected == 0) {
            finish(!errorSeen && acceptable());
        }
    }

    @Override
    public final void onServerData(Buffer data, boolean endsOnFrameBoundary) {
        try {
            scanner.scan(data);
        } catch (RuntimeException e) {
            finish(false);
        }
    }

    @Override
    public final void onServerClosed() {
        finish(false);
    }

    private void finish(boolean passed) {
        vertx.cancelTimer(timer);
        conn.sink(null);
        if (passed) {
            done.tryComplete();
        } else {
            done.tryFail(failure);
        }
    }
}
