package io.portcullis.proxy;

import io.portcullis.pool.DatabaseTraffic;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How requests and transactions are timed from what Forwarding reports. */
class RequestTimingTest {

    private final List<Long> queries = new ArrayList<>();
    private final List<Long> transactions = new ArrayList<>();
    private final RequestTiming timing = new RequestTiming(new DatabaseTraffic() {
        @Override
        public void queryDuration(long nanos) {
            queries.add(nanos);
        }

        @Override
        public void transactionDuration(long nanos) {
            transactions.add(nanos);
        }
    });

    @Test
    void anAutocommitStatementIsOneRequestAndOneTransaction() throws Exception {
        timing.requestSent(true, System.nanoTime());
        Thread.sleep(5);
        timing.answered(1, true, false, System.nanoTime());
        assertEquals(1, queries.size());
        assertEquals(1, transactions.size());
        assertTrue(queries.get(0) >= 5_000_000L, queries.toString());
        assertTrue(transactions.get(0) >= queries.get(0));
        assertTrue(timing.lastRequestNanos() != 0);
    }

    @Test
    void aTransactionBlockSpansItsRequests() throws Exception {
        timing.requestSent(true, System.nanoTime());          // BEGIN
        timing.answered(1, false, false, System.nanoTime());  // 'T'
        Thread.sleep(5);                   // the client thinks
        timing.requestSent(true, System.nanoTime());          // SELECT
        timing.answered(1, false, false, System.nanoTime());
        timing.requestSent(true, System.nanoTime());          // COMMIT
        timing.answered(1, true, false, System.nanoTime());   // 'I'
        assertEquals(3, queries.size());
        assertEquals(1, transactions.size());
        long requests = queries.stream().mapToLong(Long::longValue).sum();
        assertTrue(transactions.get(0) >= requests + 5_000_000L, "think time is in the transaction, not in requests");
    }

    @Test
    void pipelinedRequestsAreTimedFromThePreviousAnswer() {
        timing.requestSent(true, System.nanoTime());
        timing.requestSent(false, System.nanoTime());
        timing.requestSent(false, System.nanoTime());
        timing.answered(1, true, true, System.nanoTime());
        timing.answered(2, true, false, System.nanoTime());   // two answers in one read
        assertEquals(3, queries.size());
        assertEquals(0L, queries.get(2), "the second answer of one read took no time of its own");
        assertEquals(2, transactions.size(), "a new transaction opened while requests were outstanding");
    }

    @Test
    void answersNobodyAskedForAreNotTimed() {
        timing.answered(1, true, false, System.nanoTime());
        assertEquals(0, queries.size());
        assertEquals(0, transactions.size());
    }
}
