package io.portcullis.pool;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Running totals of one database's traffic since the process started, for the admin console's
 * {@code SHOW STATS}, the REST statistics and the metrics (the observer reads them through
 * {@link #snapshot}, see {@link PoolObserver#database}). Sits in front of the observer's
 * {@link DatabaseTraffic} (metrics, health): counts, then passes every event on.
 *
 * <p>Counters are {@link LongAdder}s: many event loops add at once, readers are rare.
 */
final class TrafficTotals implements DatabaseTraffic {

    private final DatabaseTraffic next;
    private final LongAdder serverAssignments = new LongAdder();
    private final LongAdder waitNanos = new LongAdder();
    private final LongAdder queries = new LongAdder();
    private final LongAdder queryNanos = new LongAdder();
    private final LongAdder transactions = new LongAdder();
    private final LongAdder transactionNanos = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder sent = new LongAdder();
    private final LongAdder logins = new LongAdder();

    /** Tells {@code observer} about the database, handing it these totals to read. */
    TrafficTotals(String database, PoolObserver observer, Supplier<PoolStats> stats) {
        this.next = observer.database(database, stats, this::snapshot); // the fields it reads are set by now
    }

    TrafficSnapshot snapshot() {
        return new TrafficSnapshot(serverAssignments.sum(), transactions.sum(), queries.sum(), received.sum(),
                sent.sum(), transactionNanos.sum(), queryNanos.sum(), waitNanos.sum(), logins.sum());
    }

    @Override
    public void serverOpened() {
        next.serverOpened();
    }

    @Override
    public void serverClosed() {
        next.serverClosed();
    }

    @Override
    public void serverLoginFailed(String why) {
        next.serverLoginFailed(why);
    }

    @Override
    public void clientWaited(long nanos) {
        serverAssignments.increment();
        waitNanos.add(nanos);
        next.clientWaited(nanos);
    }

    @Override
    public void clientLoggedIn() {
        logins.increment();
        next.clientLoggedIn();
    }

    @Override
    public void query() {
        queries.increment();
        next.query();
    }

    @Override
    public void transaction() {
        transactions.increment();
        next.transaction();
    }

    @Override
    public void queryDuration(long nanos) {
        queryNanos.add(nanos);
        next.queryDuration(nanos);
    }

    @Override
    public void transactionDuration(long nanos) {
        transactionNanos.add(nanos);
        next.transactionDuration(nanos);
    }

    @Override
    public void receivedFromClient(int bytes) {
        received.add(bytes);
        next.receivedFromClient(bytes);
    }

    @Override
    public void sentToClient(int bytes) {
        sent.add(bytes);
        next.sentToClient(bytes);
    }
}
