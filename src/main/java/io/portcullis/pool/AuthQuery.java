package io.portcullis.pool;

import io.portcullis.wire.FrameScanner;
import io.portcullis.wire.FrameTypes;
import io.portcullis.wire.FrontendMessages;
import io.portcullis.wire.MessageReader;
import io.portcullis.wire.MessageTypes;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Runs a database's user lookup ({@code authQuery}) for one user name on a connection of its lookup pool, as PgBouncer
 * runs {@code auth_query}: the name goes in as the parameter {@code $1} of an extended-protocol statement, never into
 * the SQL text, and the second column of the single row that comes back is the user's stored verifier. No row, or a
 * NULL verifier (a role that cannot log in, or whose password expired, under the default query), means no such user.
 * More than one row, an error, a closed connection or the timeout fail the lookup; the connection goes back to the
 * pool only after a clean ReadyForQuery.
 */
final class AuthQuery implements ServerConnection.Sink {

    /** A verifier is a few hundred bytes; a row larger than this is not an answer to a lookup. */
    static final int MAX_ROW_BYTES = 8192;
    private static final FrameTypes ROW_ERROR_READY = FrameTypes.of(MessageTypes.DATA_ROW, MessageTypes.ERROR_RESPONSE,
            MessageTypes.READY_FOR_QUERY);

    private final Vertx vertx;
    private final Pool pool;
    private final ServerConnection conn;
    private final Promise<Optional<String>> result = Promise.promise();
    private final FrameScanner scanner = new FrameScanner(ROW_ERROR_READY, MAX_ROW_BYTES, new FrameScanner.Listener() {
        @Override
        public void onFrame(byte type, int startInChunk, Buffer body) {
            AuthQuery.this.onFrame(type, body);
        }

        @Override
        public void onTruncatedFrame(byte type, int startInChunk, Buffer bodyPrefix, int bodyLength) {
            AuthQuery.this.onFrame(type, null);
        }
    });
    private int rows;
    private String verifier;
    private String failure;
    private long timer = -1;

    private AuthQuery(Vertx vertx, Pool pool, ServerConnection conn) {
        this.vertx = vertx;
        this.pool = pool;
        this.conn = conn;
    }

    /**
     * Looks {@code user} up; completes with its verifier, empty when the backend has none for it, or fails saying
     * why (never quoting the verifier).
     */
    static Future<Optional<String>> run(Vertx vertx, Pool pool, String query, String user, Duration timeout) {
        return pool.acquire().compose(conn -> {
            AuthQuery lookup = new AuthQuery(vertx, pool, conn);
            conn.context().runOnContext(v -> lookup.send(query, user, timeout));
            return lookup.result.future();
        });
    }

    private void send(String query, String user, Duration timeout) {
        if (conn.isClosed()) {
            finish("the lookup connection closed");
            return;
        }
        conn.sink(this);
        timer = vertx.setTimer(Math.max(1, timeout.toMillis()), t -> finish("no answer within " + timeout.toMillis()
                + " ms"));
        conn.write(FrontendMessages.extendedQuery(query, List.of(user)));
    }

    /** @param body null when larger than {@link #MAX_ROW_BYTES} */
    private void onFrame(byte type, Buffer body) {
        switch (type) {
            case MessageTypes.DATA_ROW -> {
                rows++;
                if (body == null) {
                    failure = "the lookup returned a row larger than " + MAX_ROW_BYTES + " bytes";
                    return;
                }
                List<String> columns = MessageReader.dataRowText(body);
                if (columns.size() < 2) {
                    failure = "the lookup returned " + columns.size() + " column(s); it must return the user name and "
                            + "its verifier";
                } else {
                    verifier = columns.get(1);
                }
            }
            case MessageTypes.ERROR_RESPONSE -> failure = body == null ? "the backend refused the lookup"
                    : "the backend refused the lookup: " + MessageReader.errorMessage(MessageReader.errorFields(body));
            case MessageTypes.READY_FOR_QUERY -> {
                if (failure == null && rows > 1) {
                    failure = "the lookup returned " + rows + " rows for one user; it must return at most one";
                }
                finish(failure);
            }
            default -> {
            }
        }
    }

    @Override
    public void onServerData(Buffer data, boolean endsOnFrameBoundary) {
        try {
            scanner.scan(data);
        } catch (RuntimeException e) {
            finish("the backend's answer to the lookup broke the protocol: " + e.getMessage());
        }
    }

    @Override
    public void onServerClosed() {
        finish("the lookup connection closed");
    }

    /** @param why null for a clean end: the connection goes back to the pool and the lookup completes */
    private void finish(String why) {
        if (result.future().isComplete()) {
            return;
        }
        vertx.cancelTimer(timer);
        boolean clean = why == null && conn.transactionStatus() == MessageTypes.TX_IDLE;
        pool.release(conn, clean);
        if (why != null) {
            result.fail(BackendUnavailable.lookupFailed(pool.database, why));
        } else {
            result.complete(Optional.ofNullable(verifier).filter(v -> !v.isEmpty()));
        }
    }
}
