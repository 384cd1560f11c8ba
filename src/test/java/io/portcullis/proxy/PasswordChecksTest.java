package io.portcullis.proxy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** At most {@link PasswordChecks#MAX_IN_FLIGHT} checks wait or run; the next is refused at once, and room comes back. */
class PasswordChecksTest {

    @Test
    void theQueueIsBoundedAndFreesAsChecksEnd() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            PasswordChecks checks = new PasswordChecks(vertx);
            CountDownLatch release = new CountDownLatch(1);
            List<Future<Integer>> admitted = new ArrayList<>();
            for (int i = 0; i < PasswordChecks.MAX_IN_FLIGHT; i++) {
                Future<Integer> f = checks.submit(() -> {
                    release.await(30, TimeUnit.SECONDS);
                    return 1;
                });
                assertNotNull(f, "check " + i + " is admitted");
                admitted.add(f);
            }
            assertNull(checks.submit(() -> 1), "one more waits nowhere: refused");
            release.countDown();
            Future.all(admitted).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            Thread.sleep(100); // the completions give their places back
            Future<Integer> again = checks.submit(() -> 2);
            assertNotNull(again, "room again once checks ended");
            assertEquals(2, again.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
        } finally {
            vertx.close();
        }
    }
}
