package io.portcullis.proxy;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectionsPerAddressTest {

    @Test
    void refusesBeyondTheLimitAndAdmitsAgainAfterAClose() {
        ConnectionsPerAddress cap = new ConnectionsPerAddress(2);
        assertTrue(cap.tryOpen("10.0.0.1"));
        assertTrue(cap.tryOpen("10.0.0.1"));
        assertFalse(cap.tryOpen("10.0.0.1"));
        assertTrue(cap.tryOpen("10.0.0.2"), "other addresses are not affected");
        cap.closed("10.0.0.1");
        assertTrue(cap.tryOpen("10.0.0.1"));
        assertEquals(2, cap.openFrom("10.0.0.1"));
    }

    @Test
    void forgetsAnAddressWithNoOpenConnection() {
        ConnectionsPerAddress cap = new ConnectionsPerAddress(5);
        for (int i = 0; i < 1000; i++) {
            String address = "10.1." + (i / 250) + "." + (i % 250);
            assertTrue(cap.tryOpen(address));
            cap.closed(address);
        }
        assertEquals(0, cap.addresses());
    }

    @Test
    void zeroIsOffAndUnknownAddressesAreNotLimited() {
        ConnectionsPerAddress off = new ConnectionsPerAddress(ConnectionsPerAddress.UNLIMITED);
        for (int i = 0; i < 10_000; i++) {
            assertTrue(off.tryOpen("10.0.0.1"));
        }
        assertEquals(0, off.addresses());
        ConnectionsPerAddress one = new ConnectionsPerAddress(1);
        assertTrue(one.tryOpen(null));
        assertTrue(one.tryOpen(null));
        assertThrows(IllegalArgumentException.class, () -> new ConnectionsPerAddress(-1));
    }

    @Test
    void holdsUnderConcurrentAccepts() throws Exception {
        int limit = 50;
        ConnectionsPerAddress cap = new ConnectionsPerAddress(limit);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger admitted = new AtomicInteger();
        List<Future<?>> tasks = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            tasks.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < 100; i++) {
                    if (cap.tryOpen("10.9.9.9")) {
                        admitted.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> task : tasks) {
            task.get(10, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertEquals(limit, admitted.get());
        assertEquals(limit, cap.openFrom("10.9.9.9"));
    }
}
