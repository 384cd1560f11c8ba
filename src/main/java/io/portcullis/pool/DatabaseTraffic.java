package io.portcullis.pool;

/**
 * What happens on the way to and from one database, as the pool and the sessions using it see it.
 * Implemented outside this package (metrics, health); resolved once per pool by a
 * {@link PoolObserver}, so that the wire path calls a method on an object it already holds and
 * never looks a meter up per message.
 *
 * <p>Every method may be called on any event loop and must return at once: no I/O, no locks held
 * for long, no allocation per call. The defaults do nothing.
 *
 * <p>The pool keeps the running counts itself ({@code TrafficTotals}) and offers them to the observer as a
 * {@link TrafficSnapshot} ({@link PoolObserver#database}): an observer that only counts requests,
 * transactions or bytes reads them from there instead of counting every event again.
 */
public interface DatabaseTraffic {

    /** Counts nothing: for pools created without an observer (plain tests). */
    DatabaseTraffic NONE = new DatabaseTraffic() {
    };

    /** A server connection finished its login and joined the pool. The backend is reachable. */
    default void serverOpened() {
    }

    /** A server connection left the pool's count (closed, broken or retired). */
    default void serverClosed() {
    }

    /**
     * Connecting or logging in to the backend failed.
     *
     * @param why the reason as the client was told it (names database, host and port; no secret)
     */
    default void serverLoginFailed(String why) {
    }

    /** A borrower got a server connection after waiting this long (queue time plus any login). */
    default void clientWaited(long nanos) {
    }

    /** A client finished its login and got a server connection. */
    default void clientLoggedIn() {
    }

    /** A client sent a simple Query or an extended-protocol Sync: one request that earns a ReadyForQuery. */
    default void query() {
    }

    /** The backend reported idle (ReadyForQuery 'I') to a borrower: a transaction, explicit or autocommit, ended. */
    default void transaction() {
    }

    /**
     * A request (simple Query or extended-protocol Sync) got its ReadyForQuery, this long after it went
     * to the backend, or after the previous answer when requests were pipelined. Time spent waiting for
     * a server connection is not included (see {@link #clientWaited}).
     */
    default void queryDuration(long nanos) {
    }

    /**
     * A transaction ended (ReadyForQuery 'I' reached the client), this long after its first request
     * went to the backend; autocommit statements are transactions of their own.
     */
    default void transactionDuration(long nanos) {
    }

    /** Bytes a client sent towards the backend. */
    default void receivedFromClient(int bytes) {
    }

    /** Bytes forwarded from the backend to a client. */
    default void sentToClient(int bytes) {
    }
}
