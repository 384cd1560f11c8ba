package io.portcullis.prepared;

import io.portcullis.wire.FrameScanner;
import io.vertx.core.buffer.Buffer;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Named prepared statements for one client session under transaction or statement pooling, where the
 * session gets another server connection for every transaction (PgBouncer's
 * {@code max_prepared_statements}).
 *
 * <p>The session keeps its statements by the client's names ({@link ClientStatements}); each server
 * connection keeps what is prepared on it under the gateway's names ({@link ServerStatementCache}),
 * for every client that borrows it. Requests are rewritten on the way in ({@link RequestRewriter}),
 * answers on the way out ({@link ResponseRewriter}), in step through one {@link ResponsePlan}.
 *
 * <pre>
 *   client ──Parse S_1 / Bind S_1──▶ RequestRewriter ──Parse portcullis_7 / Bind portcullis_7──▶ server
 *                                          │ expect(step)
 *                                          ▼
 *   client ◀──ParseComplete (ours) ── ResponseRewriter ◀── answers (ours swallowed) ── server
 * </pre>
 *
 * <p>Use: {@link #attach} at every server connection the session gets, {@link #toServer} on every
 * client chunk, then {@link #answersDue()} and {@link #owesTooMuch()}, and {@link #toClient} on every
 * chunk from the server connection attached. The connection may go back to the pool only when {@link #quiet()}. Not
 * thread-safe: the session's event loop only.
 */
public final class StatementMapping implements ResponsePlan.Outcomes {

    private final int capacity;
    private final ClientStatements statements = new ClientStatements();
    private final ResponsePlan plan = new ResponsePlan(this);
    private final RequestRewriter requests;
    private final ResponseRewriter responses = new ResponseRewriter(plan);
    private ServerStatementCache cache;

    /** @param maxPreparedStatements the most statements kept prepared per server connection, at least 1 */
    public StatementMapping(int maxPreparedStatements) {
        this(maxPreparedStatements, null);
    }

    /**
     * @param maxPreparedStatements the most statements kept prepared per server connection, at least 1
     * @param clientFrames          told of every client frame {@link #toServer} scans, at its head (a prefix of
     *                              the body, as {@link FrameScanner.Listener#onTruncatedFrame} gives one), before
     *                              it is rewritten: the caller needs no scan of its own. A Terminate ends the
     *                              client's stream: {@link #toServer} returns what came before it, and nothing
     *                              after it is scanned for the caller. May be null.
     */
    public StatementMapping(int maxPreparedStatements, FrameScanner.Listener clientFrames) {
        if (maxPreparedStatements < 1) {
            throw new IllegalArgumentException("maxPreparedStatements must be at least 1");
        }
        this.capacity = maxPreparedStatements;
        this.requests = new RequestRewriter(statements, plan, sha256(), clientFrames);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** The bound each server connection's cache gets ({@link #attach}). */
    public int capacity() {
        return capacity;
    }

    /**
     * The session now holds a server connection with this cache (see
     * {@code ServerConnection.preparedStatements}). Call only while {@link #quiet()}.
     */
    public void attach(ServerStatementCache serverCache) {
        attach(serverCache, null, 0);
    }

    /**
     * As {@link #attach(ServerStatementCache)}, with the connection's frame reader when {@link #toClient} runs
     * on the connection's own event loop: then its scan of the backend's stream is the only one, and hands
     * each frame's head (ReadyForQuery and ParameterStatus with up to {@code headLimit} body bytes) to
     * {@code serverFrames} before the frame is rewritten.
     */
    public void attach(ServerStatementCache serverCache, FrameScanner.Listener serverFrames, int headLimit) {
        this.cache = serverCache;
        requests.attach(serverCache);
        responses.reset(serverFrames, headLimit);
    }

    /**
     * A client chunk, on its way to the attached server connection.
     *
     * @return the bytes to send: the chunk itself when nothing in it changes; may be empty
     */
    public Buffer toServer(Buffer chunk) {
        return requests.rewrite(chunk);
    }

    /**
     * Answers the gateway gives itself that can go to the client now (after {@link #toServer}); null
     * when none is due.
     */
    public Buffer answersDue() {
        return responses.answersDue();
    }

    /**
     * A chunk from the attached server connection, on its way to the client.
     *
     * @return the bytes to send: the chunk itself when nothing in it changes; may be empty
     */
    public Buffer toClient(Buffer chunk) {
        return responses.rewrite(chunk);
    }

    /**
     * Whether the session owes its client more than it keeps (answers of its own, with the statements
     * they concern, queued behind a backend answer still to come): the caller stops reading the client
     * until {@link #toClient} has brought this back to false, and, where
     * {@link #sentEndsBetweenMessages()}, sends the backend a Flush. Without it the backend (PostgreSQL,
     * and QuestDB 9.3.4 too, as measured) holds its answer back until a Sync or Flush that the client, no
     * longer read, cannot send.
     */
    public boolean owesTooMuch() {
        return plan.owesTooMuch();
    }

    /** Whether the client bytes {@link #toServer} was given so far end between two messages. */
    public boolean clientAtFrameBoundary() {
        return requests.atFrameBoundary();
    }

    /** Whether the backend bytes {@link #toClient} was given so far end between two messages. */
    public boolean serverAtFrameBoundary() {
        return responses.atFrameBoundary();
    }

    /** Whether what {@link #toServer} returned so far ends between two messages: a Flush may follow. */
    public boolean sentEndsBetweenMessages() {
        return requests.sentEndsBetweenMessages();
    }

    /** Every answer awaited has come (and every one of ours is written): the server connection may go. */
    public boolean quiet() {
        return plan.isEmpty() && requests.idle();
    }

    // ---- ResponsePlan.Outcomes ----

    @Override
    public void parseUndone(StatementNote note) {
        if (note.clientName() != null) {
            statements.removeIfSame(note.clientName(), note.key());
        }
        if (note.serverName() != null) {
            cache.forget(note.key(), note.serverName());
        }
    }

    @Override
    public void closeUndone(StatementNote note) {
        statements.restore(note.clientName(), note.key());
    }

    @Override
    public void closeNotSent(String serverName) {
        cache.closeLater(serverName);
    }

    @Override
    public void allDeallocated() {
        statements.clear();
        cache.clear();
    }
}
