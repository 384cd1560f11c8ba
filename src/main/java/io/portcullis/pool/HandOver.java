package io.portcullis.pool;

import io.portcullis.wire.FrontendMessages;
import io.portcullis.wire.MessageTypes;
import io.vertx.core.Future;
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
final class HandOver extends ServerExchange {

    private HandOver(Vertx vertx, ServerConnection conn) {
        super(vertx, conn, "the hand-over did not complete cleanly");
    }

    /** Runs on the connection's own context. */
    static Future<Void> run(Vertx vertx, ServerConnection conn, boolean resetSession, Duration timeout) {
        HandOver handOver = new HandOver(vertx, conn);
        conn.context().runOnContext(v -> handOver.start(resetSession, timeout));
        return handOver.future();
    }

    private void start(boolean resetSession, Duration timeout) {
        if (failIfClosed()) {
            return;
        }
        int readyExpected = 0;
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
            succeedAtOnce();
            return;
        }
        send(batch, readyExpected, timeout);
    }
}
