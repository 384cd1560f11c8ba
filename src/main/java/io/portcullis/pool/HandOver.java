package io.portcullis.pool;

import io.portcullis.wire.FrameScanner;
import io.portcullis.wire.FrontendMessages;
import io.portcullis.wire.MessageTypes;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.time.Duration;

/**
 * Makes a returned server connection clean for its next borrower: closes every named statement
 * and portal the previous borrower created (protocol {@code Close}, which QuestDB honours although
 * it ignores {@code DISCARD ALL}), and at the end of a client session on PostgreSQL also runs
 * {@code DISCARD ALL} to drop session settings, temporary tables and SQL-level prepared statements. Succeeds only when every reply
 * came back without an error; otherwise the pool closes the connection instead of lending it.
 */
final class HandOver implements ServerConnection.Sink {

    private final Vertx vertx;
    private final ServerConnection conn;
    private final Promise<Void> done = Promise.promise();
    private final FrameScanner scanner = new FrameScanner("ZE", 0, (type, startInChunk, body) -> onFrame(type));
    private int readyExpected;
    private boolean errorSeen;
    private long timer = -1;

    private HandOver(Vertx vertx, ServerConnection conn) {
        this.vertx = vertx;
        this.conn = conn;
    }

    /** Runs on the connection's own context. */
    static Future<Void> run(Vertx vertx, ServerConnection conn, boolean resetSession, Duration timeout) {
        HandOver handOver = new HandOver(vertx, conn);
        conn.context().runOnContext(v -> handOver.start(resetSession, timeout));
        return handOver.done.future();
    }

    private void start(boolean resetSession, Duration timeout) {
        if (conn.isClosed()) {
            done.tryFail("closed");
            return;
        }
        Buffer batch = Buffer.buffer();
        boolean closesSent = !conn.statements().isEmpty() || !conn.portals().isEmpty();
        for (String portal : conn.portals()) {
            batch.appendBuffer(FrontendMessages.close(MessageTypes.KIND_PORTAL, portal));
        }
        for (String statement : conn.statements()) {
            batch.appendBuffer(FrontendMessages.close(MessageTypes.KIND_STATEMENT, statement));
        }
        conn.portals().clear();
        conn.statements().clear();
        if (closesSent) {
            batch.appendBuffer(FrontendMessages.sync());
            readyExpected++;
        }
        if (resetSession && !conn.isQuestDb()) {
            batch.appendBuffer(FrontendMessages.query("DISCARD ALL"));
            conn.forgetPreparedStatements(); // DISCARD ALL drops the gateway's cached statements too
            readyExpected++;
        }
        if (readyExpected == 0) {
            done.tryComplete();
            return;
        }
        conn.sink(this);
        timer = vertx.setTimer(timeout.toMillis(), t -> finish(false));
        conn.write(batch);
    }

    private void onFrame(byte type) {
        if (type == MessageTypes.ERROR_RESPONSE) {
            errorSeen = true;
        } else if (type == MessageTypes.READY_FOR_QUERY && --readyExpected == 0) {
            finish(!errorSeen);
        }
    }

    @Override
    public void onServerData(Buffer data, boolean endsOnFrameBoundary) {
        try {
            scanner.scan(data);
        } catch (RuntimeException e) {
            finish(false);
        }
    }

    @Override
    public void onServerClosed() {
        finish(false);
    }

    private void finish(boolean clean) {
        vertx.cancelTimer(timer);
        conn.sink(null);
        if (clean) {
            done.tryComplete();
        } else {
            done.tryFail("the hand-over did not complete cleanly");
        }
    }
}
