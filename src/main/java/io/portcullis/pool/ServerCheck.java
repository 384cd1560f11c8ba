package io.portcullis.pool;

import io.portcullis.wire.FrontendMessages;
import io.portcullis.wire.MessageTypes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.time.Duration;

/**
 * Checks that an idle server connection still works before it is lent (PgBouncer's
 * {@code server_check_query}): a connection that sat idle longer than the check delay may have
 * been cut by a firewall, a backend restart or QuestDB's idle timeout without a FIN reaching us.
 * Sends the check query as a simple Query and succeeds only on a ReadyForQuery with no
 * ErrorResponse before it, within the timeout; otherwise the pool discards the connection and
 * serves the borrower another one.
 */
final class ServerCheck extends ServerExchange {

    /** What an empty check query sends: PostgreSQL and QuestDB answer it with EmptyQueryResponse. */
    static final String EMPTY_QUERY = ";";

    private ServerCheck(Vertx vertx, ServerConnection conn) {
        super(vertx, conn, "the server check did not pass");
    }

    /**
     * Runs on the connection's own context; completes there.
     *
     * @param query the check query; blank means {@value #EMPTY_QUERY}
     */
    static Future<Void> run(Vertx vertx, ServerConnection conn, String query, Duration timeout) {
        ServerCheck check = new ServerCheck(vertx, conn);
        String sent = query == null || query.isBlank() ? EMPTY_QUERY : query;
        conn.context().runOnContext(v -> {
            if (!check.failIfClosed()) {
                check.send(FrontendMessages.query(sent), 1, timeout);
            }
        });
        return check.future();
    }

    /** A check that leaves the connection inside a transaction does not pass. */
    @Override
    boolean acceptable() {
        return conn.transactionStatus() == MessageTypes.TX_IDLE;
    }
}
