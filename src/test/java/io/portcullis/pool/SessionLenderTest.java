package io.portcullis.pool;

import io.portcullis.config.ConfigStore;
import io.portcullis.config.LiveSettings;
import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.PoolProbe;
import io.portcullis.testing.Backends;
import io.portcullis.testing.PostgresServer;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Future;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lender is the one way a server connection goes back: each way of giving one back returns it to the
 * pool as that way says and frees the user's place under {@code maxUserConnections} with it. Against the
 * shared PostgreSQL, with a user capped at one server connection, so a freed place shows as the next
 * borrower of the same user getting its connection.
 */
@QuarkusTest
class SessionLenderTest {

    private static final String DATABASE = "lender_db";
    private static final String USER = "lender_user";

    @Inject
    PoolManager pools;
    @Inject
    ConfigStore store;
    @Inject
    LiveSettings settings;

    @BeforeEach
    void configure() {
        PostgresServer pg = Backends.postgres();
        GatewayClient.putDatabase(DATABASE, Map.of("host", pg.host(), "port", pg.port(), "dbname", pg.database(),
                "user", pg.scramUser(), "password", pg.scramPassword(), "poolSize", 2));
        GatewayClient.putUser(USER, Map.of("password", "lender-pass", "maxUserConnections", 1));
    }

    @AfterEach
    void remove() {
        GatewayClient.deleteDatabase(DATABASE);
    }

    private SessionLender lender() {
        return new SessionLender(pools.pool(DATABASE).orElseThrow(), pools.userLimits(), store, settings, USER);
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private PoolStats awaitStats(Predicate<PoolStats> condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        PoolStats now = PoolProbe.stats(pools, DATABASE);
        while (!condition.test(now) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            now = PoolProbe.stats(pools, DATABASE);
        }
        return now;
    }

    @Test
    void givingBackBetweenTransactionsKeepsTheConnectionAndFreesTheUsersPlace() throws Exception {
        SessionLender first = lender();
        SessionLender second = lender();
        ServerConnection conn = await(first.acquire());
        Future<ServerConnection> waiting = second.acquire();
        Thread.sleep(200);
        assertFalse(waiting.isComplete(), "the user's one place is taken: the second borrower waits for it");

        first.giveBackBetweenTransactions(conn);
        ServerConnection next = await(waiting);
        assertEquals(conn.id(), next.id(), "the connection was kept and lent again (a pool of two, one idle)");
        PoolStats stats = awaitStats(s -> s.lent() == 1);
        assertEquals(1, stats.open(), stats.toString());

        second.giveBack(next, true);
        stats = awaitStats(s -> s.lent() == 0 && s.idle() == 1);
        assertEquals(1, stats.idle(), "a clean session end keeps the connection after its reset: " + stats);
        SessionLender third = lender();
        third.giveBack(await(third.acquire()), true); // the place is free again
    }

    @Test
    void aDirtyOrLostConnectionIsClosedAndItsPlaceFreed() throws Exception {
        SessionLender first = lender();
        ServerConnection dirty = await(first.acquire());
        first.giveBack(dirty, false);
        PoolStats stats = awaitStats(s -> s.open() == 0);
        assertEquals(0, stats.open(), "a connection given back mid-exchange is closed: " + stats);
        assertTrue(dirty.isClosed());

        ServerConnection lost = await(first.acquire()); // the place came back with the dirty connection
        assertNotEquals(dirty.id(), lost.id());
        first.giveBackLost(lost);
        stats = awaitStats(s -> s.open() == 0);
        assertEquals(0, stats.open(), "a lost connection is counted out: " + stats);
        assertTrue(lost.isClosed());
        SessionLender third = lender();
        ServerConnection again = await(third.acquire()); // and its place came back too
        assertFalse(again.isClosed());
        third.giveBack(again, true);
    }
}
