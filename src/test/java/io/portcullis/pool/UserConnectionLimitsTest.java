package io.portcullis.pool;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-user cap on server connections: counting, FIFO waiting, the wait limit, users apart. */
class UserConnectionLimitsTest {

    private static final Duration LONG = Duration.ofSeconds(30);

    private final Vertx vertx = Vertx.vertx();
    private final UserConnectionLimits limits = new UserConnectionLimits(vertx);

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static void settle() throws InterruptedException {
        Thread.sleep(100); // grants complete on a context: let them run
    }

    @Test
    void waitersAreServedInArrivalOrderAsPlacesComeBack() throws Exception {
        await(limits.acquire("u", 1, LONG));
        Future<Void> second = limits.acquire("u", 1, LONG);
        Future<Void> third = limits.acquire("u", 1, LONG);
        settle();
        assertFalse(second.isComplete());
        assertFalse(third.isComplete());

        limits.release("u");
        await(second);
        settle();
        assertFalse(third.isComplete(), "one place, one waiter served");
        assertEquals(1, limits.held("u"));

        limits.release("u");
        await(third);
        limits.release("u");
        assertEquals(0, limits.held("u"));
    }

    @Test
    void aWaiterGivesUpAfterTheWaitWith53300AndLeavesTheQueue() throws Exception {
        await(limits.acquire("u", 1, LONG));
        long start = System.nanoTime();
        Future<Void> waiting = limits.acquire("u", 1, Duration.ofMillis(300));
        Throwable failure = waiting.toCompletionStage().toCompletableFuture().handle((v, e) -> e).get(10, TimeUnit.SECONDS);
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(250));
        BackendUnavailable refusal = assertInstanceOf(BackendUnavailable.class, failure.getCause() != null ? failure.getCause() : failure);
        assertEquals("53300", refusal.sqlState().code());
        assertTrue(refusal.getMessage().contains("\"u\"") && refusal.getMessage().contains("maxUserConnections"),
                refusal.getMessage());

        limits.release("u");
        assertEquals(0, limits.held("u"), "the expired waiter was not given the place");
    }

    @Test
    void usersAreCountedApartAndWithoutACapNobodyWaits() throws Exception {
        for (int i = 0; i < 5; i++) {
            await(limits.acquire("free", 0, LONG));
        }
        assertEquals(5, limits.held("free"));
        await(limits.acquire("capped", 1, LONG));
        Future<Void> blocked = limits.acquire("capped", 1, LONG);
        await(limits.acquire("other", 1, LONG));
        settle();
        assertFalse(blocked.isComplete());

        // A raised cap lets the next waiter in at the next release.
        Future<Void> raised = limits.acquire("capped", 3, LONG);
        limits.release("other");
        limits.release("capped");
        await(blocked);
        await(raised);
        assertEquals(2, limits.held("capped"));
        for (String user : List.of("capped", "capped", "free", "free", "free", "free", "free")) {
            limits.release(user);
        }
        assertEquals(0, limits.held("capped"));
        assertEquals(0, limits.held("free"));
    }
}
