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
 * Checks that an idle server connection still works before it is lent (PgBouncer's
 * {@code server_check_query}): a connection that sat idle longer than the check delay may have
 * been cut by a firewall, a backend restart or QuestDB's idle timeout without a FIN reaching us.
 * Sends the check query as a simple Query and succeeds only on a ReadyForQuery with no
 * ErrorResponse before it, within the timeout; otherwise the pool discards the connection and
 * serves the borrower another one.
 */
final class ServerCheck implements ServerConnection.Sink {

    /** What an empty check query sends: PostgreSQL and QuestDB answer it with EmptyQueryResponse. */
    static final String EMPTY_QUERY = ";";

    private final Vertx vertx;
    private final ServerConnection conn;
    private final Promise<Void> done = Promise.promise();
    private final FrameScanner scanner = new FrameScanner("ZE", 0, (type, startInChunk, body) -> onFrame(type));
    private boolean errorSeen;
    private long timer = -1;

    private ServerCheck(Vertx vertx, ServerConnection conn) {
        this.vertx = vertx;
        this.conn = conn;
    }

    /**
     * Runs on the connection's own context; completes there.
     *
     * @param query the check query; blank means {@value #EMPTY_QUERY}
     */
    static Future<Void> run(Vertx vertx, ServerConnection conn, String query, Duration timeout) {
        ServerCheck check = new ServerCheck(vertx, conn);
        conn.context().runOnContext(v -> check.start(query == null || query.isBlank() ? EMPTY_QUERY : query, timeout));
        return check.done.future();
    }

    private void start(String query, Duration timeout) {
        if (conn.isClosed()) {
            done.tryFail("closed");
            return;
        }
        conn.sink(this);
        timer = vertx.setTimer(Math.max(1, timeout.toMillis()), t -> finish(false));
        conn.write(FrontendMessages.query(query));
    }

    private void onFrame(byte type) {
        if (type == MessageTypes.ERROR_RESPONSE) {
            errorSeen = true;
        } else if (type == MessageTypes.READY_FOR_QUERY) {
            finish(!errorSeen && conn.transactionStatus() == MessageTypes.TX_IDLE);
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

    private void finish(boolean healthy) {
        vertx.cancelTimer(timer);
        conn.sink(null);
        if (healthy) {
            done.tryComplete();
        } else {
            done.tryFail("the server check did not pass");
        }
    }
}
