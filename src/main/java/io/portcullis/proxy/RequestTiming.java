package io.portcullis.proxy;

import io.portcullis.pool.DatabaseTraffic;

/**
 * Times a session's requests and transactions as its client sees them, for {@code SHOW STATS} and
 * the duration histograms. Every call comes from the client's event loop, so plain fields suffice;
 * the caller passes the {@link System#nanoTime()} it read for the read being handled (one reading per
 * read serves this, the idle timeouts and the request clock alike), and nothing is allocated.
 *
 * <ul>
 *   <li>A <b>request</b> (simple Query or extended-protocol Sync) is timed from the moment it goes to
 *       the backend with nothing else outstanding, or from the previous answer when requests are
 *       pipelined, to its ReadyForQuery reaching the client. Several answers delivered in one read
 *       count the time once: the later ones took no time of their own.</li>
 *   <li>A <b>transaction</b> runs from the first request after ReadyForQuery 'I' to the next
 *       ReadyForQuery 'I'; an autocommit statement is a transaction of its own.</li>
 * </ul>
 * Waiting for a server connection happens before a request goes out, so it is in neither.
 */
final class RequestTiming {

    private final DatabaseTraffic traffic;
    private long requestStartNanos;
    /** A timed request is outstanding (false when answers come that no Query or Sync asked for). */
    private boolean requestOpen;
    private long transactionStartNanos;
    private boolean transactionOpen;
    /** When the latest request went out with nothing outstanding; read by SHOW CLIENTS on other threads. */
    private volatile long lastRequestNanos;

    RequestTiming(DatabaseTraffic traffic) {
        this.traffic = traffic;
    }

    /**
     * A request went to the backend.
     *
     * @param nothingOutstanding every earlier request has been answered
     * @param now                {@link System#nanoTime()} when it went
     */
    void requestSent(boolean nothingOutstanding, long now) {
        if (nothingOutstanding) {
            requestStartNanos = now;
            requestOpen = true;
            lastRequestNanos = now;
            if (!transactionOpen) {
                transactionOpen = true;
                transactionStartNanos = now;
            }
        }
        // With requests outstanding, a transaction is open already (or opens when an answer arrives).
    }

    /**
     * ReadyForQuery messages reached the client.
     *
     * @param answers          how many arrived in this read (at least one)
     * @param idle             whether the last of them reported 'I'
     * @param stillOutstanding whether requests sent are still waiting for their answer
     * @param now              {@link System#nanoTime()} when they arrived
     */
    void answered(long answers, boolean idle, boolean stillOutstanding, long now) {
        if (requestOpen) {
            traffic.queryDuration(now - requestStartNanos);
            for (long i = 1; i < answers; i++) {
                traffic.queryDuration(0);
            }
        }
        requestOpen = stillOutstanding;
        if (idle && transactionOpen) {
            traffic.transactionDuration(now - transactionStartNanos);
            transactionOpen = false;
        }
        if (stillOutstanding) {
            requestStartNanos = now;
            if (!transactionOpen) {
                transactionOpen = true;
                transactionStartNanos = now;
            }
        }
    }

    /** {@link System#nanoTime()} of the latest request that found nothing outstanding, 0 before the first. */
    long lastRequestNanos() {
        return lastRequestNanos;
    }
}
