package io.portcullis.proxy;

import io.portcullis.pool.ServerConnection;
import io.portcullis.wire.MessageTypes;

/**
 * {@link Forwarding}'s hold on a server connection, each state with the data valid in it and its named
 * transitions.
 *
 * <pre>
 *                       session start: ClientSession's first connection
 *                                          │
 *                                          ▼
 *        ┌──────────────────────────▶ Attached(server, readyBase, delivered ready/status, syncs sent,
 *        │                                 │     unsynced, untrackable, drain handler set, paused)
 *        │ the lender's connection         │ ReadyForQuery 'I' with nothing in flight
 *        │                                 │ (transaction and statement mode; giveBackBetweenTransactions)
 *        │                                 ▼
 *   Borrowing(since) ◀── client bytes ── Detached ── a lone Terminate ──▶ (the session ends)
 *
 *   every state ── the session ends (release; a clean connection is given back, any other closed) ──▶ Ended
 *   Attached ── the backend closes it (giveBackLost) ──▶ Detached, then the session ends with 08006
 *   Borrowing ── the lender fails (53300, backend unreachable, …) ──▶ Detached, then the session ends with that error
 *   (session mode: Attached until Ended)
 * </pre>
 *
 * <p>In transaction and statement mode the loop Attached → Detached → Borrowing → Attached turns once per
 * transaction. A record per turn would be an allocation per transaction the data path does not make today,
 * so {@link Attached} and {@link Borrowing} are one mutable object each per session, re-armed by their
 * transition; {@link Detached} and {@link Ended} carry nothing and are single instances. Forwarding keeps the
 * state in one volatile field (SHOW CLIENTS and the server connection's event loop read it); everything else
 * here is touched on the session's event loop, except the fields marked volatile.
 */
sealed interface ServerLink {

    Detached DETACHED = new Detached();
    Ended ENDED = new Ended();

    /** No server connection and none asked for: between transactions in transaction and statement mode. */
    record Detached() implements ServerLink {

        /** Client bytes arrived: they wait while the lender finds a connection (the client's reads are paused). */
        Borrowing toBorrowing(Borrowing reused, long nowNanos) {
            reused.sinceNanos = nowNanos;
            return reused;
        }
    }

    /** Waiting for the lender. One per session, re-armed at each borrow. */
    final class Borrowing implements ServerLink {
        /** {@link System#nanoTime()} when this borrow started; SHOW CLIENTS reads it. */
        volatile long sinceNanos;

        /** The lender's connection is the session's now. */
        Attached toAttached(Attached reused, ServerConnection conn) {
            return reused.attach(conn);
        }

        /** The lender failed: the session ends next, holding nothing. */
        Detached failed() {
            return DETACHED;
        }
    }

    /**
     * Holding a server connection, with what its hand-over needs to know about the exchange on it. One per
     * session, re-armed at each attach.
     */
    final class Attached implements ServerLink {
        /** Null once detached; read on the server connection's event loop and by SHOW CLIENTS. */
        volatile ServerConnection server;
        /** The connection's ReadyForQuery count when it was attached. */
        long readyBase;
        /**
         * ReadyForQuery count and transaction status as of the last bytes handed to the client. The
         * server connection's own values run ahead while a chunk hops between event loops; deciding on
         * them could end a session whose client has not yet seen its COMMIT acknowledged.
         */
        long deliveredReady;
        byte deliveredStatus = MessageTypes.TX_IDLE;
        /** Syncs and Queries sent since the attach: each earns a ReadyForQuery. */
        long syncsSent;
        /** Extended-protocol messages sent since the last Sync. */
        boolean unsynced;
        /** Something was sent that the hand-over cannot vouch for: the connection is closed, not reused. */
        boolean untrackable;
        /** Whether a drain handler was set on the server connection for backpressure (cleared on detach). */
        boolean drainHandlerSet;
        /** Whether the server connection is paused because the client's write queue is full. */
        boolean pausedForClient;

        /** The session starts with the connection it borrowed while connecting. */
        static Attached first(Attached reused, ServerConnection conn) {
            return reused.attach(conn);
        }

        private Attached attach(ServerConnection conn) {
            readyBase = conn.readyCount();
            deliveredReady = readyBase;
            deliveredStatus = conn.transactionStatus();
            syncsSent = 0;
            unsynced = false;
            untrackable = false;
            drainHandlerSet = false;
            pausedForClient = false;
            server = conn;
            return this;
        }

        /** Whether every Sync and Query sent has been answered, as far as the client has been told. */
        boolean allAnswered() {
            return deliveredReady - readyBase == syncsSent;
        }

        /** Whether a Sync or Query is still unanswered. */
        boolean requestOutstanding() {
            return syncsSent > deliveredReady - readyBase;
        }

        /**
         * The connection goes back (the caller gives it to the lender, the way the session is done with it).
         *
         * @return the connection that was held
         */
        ServerConnection detach() {
            ServerConnection conn = server;
            server = null;
            return conn;
        }

        /** Between transactions: the connection went back to the pool. */
        Detached toDetached() {
            return DETACHED;
        }
    }

    /** The session is over; whatever arrives is released. */
    record Ended() implements ServerLink {
    }
}
