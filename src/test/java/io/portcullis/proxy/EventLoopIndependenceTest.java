package io.portcullis.proxy;

import io.portcullis.observe.OperationsTest;
import io.portcullis.pool.PoolManager;
import io.portcullis.pool.PoolStats;
import io.portcullis.testing.Backends;
import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.PoolProbe;
import io.portcullis.testing.PostgresServer;
import io.vertx.core.Context;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the wire event loops share in a session's steady state: nothing, as long as the pool has room. Portcullis runs
 * one {@link WireVerticle} per event loop ({@code portcullis.listen.instances}; 2 in tests); each client session lives
 * on the loop that accepted it, and a server connection the pool opens for a borrower is opened on the borrower's loop
 * ({@code Pool} completes a borrower on its own context and connects from there). Such a session forwards bytes
 * client ⇄ server without a hop to another loop (the pool's lock is taken only to borrow and give back, never across
 * I/O: see {@code Pool}), so throughput can grow with the number of loops (cores). docs/performance.md cites this test
 * for that claim.
 *
 * <p>The pool lends an idle connection of the borrower's own loop; when there is none and the pool may still open
 * one, it opens one on the borrower's loop rather than lend another loop's idle one. Only a full pool (or a failed
 * login) lends across loops, and a session that gets such a connection forwards through both loops while it holds it:
 * for the whole session in session pooling, for the transaction in transaction and statement pooling.
 *
 * <p>The proof is by blocking one loop. Real pgJDBC clients reach a real PostgreSQL through the gateway
 * (TLS on, the test resource every {@code @QuarkusTest} here shares). With sessions on both loops, the first wire
 * verticle's event loop is made to sleep 3 s (Vert.x logs a blocked-thread warning: expected), and every client runs
 * {@code SELECT 1} from its own thread meanwhile. If anything in the steady state went through the other loop, the
 * sessions of the free loop would stall too. (The blocked thread holds no lock of Portcullis's while it sleeps, so
 * this test says nothing about locks; the pool's design does.) The session-mode test asserts, per loop (each
 * session is found in the registry through the process id of its BackendKeyData):
 * <ul>
 *   <li>every session's server connection lives on the session's own loop;</li>
 *   <li>every session on the free loop answers well inside the block (under 1.5 s, and before the block ends);</li>
 *   <li>every session on the blocked loop answers only after the block ended (so the block was real, and both loops
 *       had sessions: otherwise the test would prove nothing);</li>
 *   <li>afterwards every connection works again, without reconnecting.</li>
 * </ul>
 * The clients do not use a 1.5 s query or socket timeout: a query timeout sends a CancelRequest that, queued behind
 * the block, could cancel a later query, and a socket timeout would close the stalled connections; the test measures
 * when each answer arrives instead (the socket timeout stays as a safety net, 15 s).
 *
 * <p>Transaction pooling, where a session borrows a server connection per transaction, has the property too:
 * {@link #transactionModeSessionOnTheFreeLoopGetsItsOwnServerConnectionWhileThePoolHasRoom} blocks the loop of the
 * pool's only (idle) connection while the pool has room, and a session on the other loop answers in milliseconds on a
 * connection the pool opens on that session's loop. {@link #transactionModeSessionOfAFullPoolBorrowsAcrossLoopsAndWaitsBehindTheBlock}
 * shows the limit that remains: with a pool of one, the session can only borrow the other loop's connection, and waits
 * while that loop is blocked (or, in normal operation, busy). The other two tests cover what keeps the rule from
 * costing a session: a borrower whose own login the backend refuses is lent another loop's idle connection, and
 * minPoolSize warms connections up on the loops borrowers came from, not only on the janitor's.
 */
@QuarkusTest
class EventLoopIndependenceTest {

    private static final String USER = "loops_user";
    private static final String PASSWORD = "loops-pass";
    private static final String SESSION_DB = "loops_session";
    private static final String TRANSACTION_DB = "loops_txn";
    private static final String FULL_TRANSACTION_DB = "loops_txn_full";
    private static final String REFUSING_DB = "loops_txn_refusing";
    private static final String WARM_DB = "loops_txn_warm";
    /** A backend role allowed one connection: the backend refuses the pool's second login. */
    private static final String ONE_CONNECTION_ROLE = "loops_one_connection";
    private static final String ONE_CONNECTION_PASSWORD = "loops-one-pass";
    /** How long the blocked loop sleeps. */
    private static final long BLOCK_MILLIS = 3_000;
    /** A session on the free loop must answer within this, half the block. */
    private static final long FAST_MILLIS = 1_500;
    /** Enough clients that both loops get some (Vert.x spreads accepted connections round-robin). */
    private static final int CLIENTS = 6;
    private static final int MAX_CLIENTS = 16;
    /** Safety net only: no answer arrives later than the block's end plus a little. */
    private static final Map<String, String> CLIENT_PROPERTIES = Map.of("socketTimeout", "15", "prepareThreshold", "0");

    @Inject
    GatewayServer gateway;
    @Inject
    PoolManager pools;

    @BeforeAll
    static void configure() {
        PostgresServer pg = Backends.postgres();
        GatewayClient.putDatabase(SESSION_DB, Map.of("host", pg.host(), "port", pg.port(), "dbname", pg.database(),
                "user", pg.scramUser(), "password", pg.scramPassword(), "poolSize", MAX_CLIENTS, "poolMode", "session"));
        for (String transactionDb : List.of(TRANSACTION_DB, FULL_TRANSACTION_DB, WARM_DB)) {
            GatewayClient.putDatabase(transactionDb, Map.of("host", pg.host(), "port", pg.port(), "dbname", pg.database(),
                    "user", pg.scramUser(), "password", pg.scramPassword(), "poolSize", 1, "poolMode", "transaction"));
        }
        GatewayClient.putUser(USER, Map.of("password", PASSWORD));
    }

    @Test
    void sessionModeSessionsOnTheFreeLoopKeepAnsweringWhileTheOtherLoopIsBlocked() throws Exception {
        List<WireVerticle> verticles = gateway.wireVerticles();
        assertEquals(2, verticles.size(), "the test profile runs two wire event loops");
        Context blockedContext = verticles.get(0).deployedContext();
        Thread blockedLoop = threadOf(blockedContext);

        List<Connection> clients = new ArrayList<>();
        try {
            List<Connection> onBlocked = new ArrayList<>();
            List<Connection> onFree = new ArrayList<>();
            while (clients.size() < CLIENTS || (onBlocked.isEmpty() || onFree.isEmpty()) && clients.size() < MAX_CLIENTS) {
                Connection c = GatewayClient.connect(SESSION_DB, USER, PASSWORD, CLIENT_PROPERTIES);
                clients.add(c);
                assertEquals(1, selectOne(c)); // the session holds its server connection from login on
                ClientSession session = sessionOf(c);
                Thread sessionLoop = threadOf(session.context());
                Context serverContext = session.serverContext();
                assertNotNull(serverContext, "a session-mode session holds its server connection");
                assertSame(sessionLoop, threadOf(serverContext),
                        "the server connection lives on the session's own event loop");
                (sessionLoop == blockedLoop ? onBlocked : onFree).add(c);
            }
            assertFalse(onBlocked.isEmpty(), "no session on the loop to block among " + clients.size());
            assertFalse(onFree.isEmpty(), "no session on the free loop among " + clients.size());

            Round round = selectOneEachWhileBlocked(blockedContext, clients);
            for (Connection c : onFree) {
                long millis = round.millis(c);
                assertTrue(millis < FAST_MILLIS, "a session on the free loop took " + millis + " ms while the other loop was blocked");
                assertTrue(round.answeredAt(c) < round.blockEndedNanos, "a session on the free loop waited for the block to end");
            }
            for (Connection c : onBlocked) {
                assertTrue(round.answeredAt(c) >= round.blockEndedNanos,
                        "a session on the blocked loop answered during the block: the loop was not blocked");
            }
            for (Connection c : clients) {
                assertEquals(1, selectOne(c), "every connection works again after the block");
            }
        } finally {
            closeAll(clients);
        }
    }

    /**
     * The property in transaction pooling: the pool's only connection is idle on loop X, the pool has room for four,
     * and a session on the other loop borrows for its next transaction while X is blocked. The pool opens a connection
     * on the session's loop instead of lending X's idle one, and the session answers well inside the block.
     * Deterministic: the sessions log in while the pool holds at most one connection (pgJDBC sends a statement right
     * after its login, which with more room could open a second connection while the first is still being handed
     * over), and only then is the pool widened to 4.
     */
    @Test
    void transactionModeSessionOnTheFreeLoopGetsItsOwnServerConnectionWhileThePoolHasRoom() throws Exception {
        List<Connection> clients = new ArrayList<>();
        try {
            TwoLoops loops = sessionsOnBothLoops(TRANSACTION_DB, clients);
            putTransactionDatabase(TRANSACTION_DB, pg().scramUser(), 4); // no password: the stored one is kept, and with it the idle connection
            PoolStats before = awaitPoolSize(TRANSACTION_DB, 4);
            assertEquals(1, before.open(), "one server connection, idle, before the block: " + before);
            assertEquals(1, before.idle(), "one server connection, idle, before the block: " + before);

            Round round = selectOneEachWhileBlocked(loops.serverContext(), List.of(loops.onOtherLoop()));
            long millis = round.millis(loops.onOtherLoop());
            assertTrue(millis < FAST_MILLIS, "the session on the free loop took " + millis
                    + " ms while the loop of the pool's idle connection was blocked");
            assertTrue(round.answeredAt(loops.onOtherLoop()) < round.blockEndedNanos,
                    "the session on the free loop waited for the block to end");
            assertEquals(2, PoolProbe.stats(pools, TRANSACTION_DB).open(),
                    "the pool opened a connection on the free loop and left the blocked loop's idle one alone");
            assertSame(threadOf(sessionOf(loops.onOtherLoop()).context()), serverLoopOfATransaction(loops.onOtherLoop()),
                    "the session's next transaction runs on a server connection of its own loop");
            for (Connection c : clients) {
                assertEquals(1, selectOne(c), "every connection works again after the block");
            }
        } finally {
            closeAll(clients);
        }
    }

    /**
     * The limit that remains: a full pool (here of one) lends its idle connection to a borrower of another loop
     * rather than make it wait, so that borrower's transaction forwards through the connection's loop and waits while
     * that loop is blocked.
     */
    @Test
    void transactionModeSessionOfAFullPoolBorrowsAcrossLoopsAndWaitsBehindTheBlock() throws Exception {
        List<Connection> clients = new ArrayList<>();
        try {
            TwoLoops loops = sessionsOnBothLoops(FULL_TRANSACTION_DB, clients);
            assertSame(loops.serverLoop(), serverLoopOfATransaction(loops.onOtherLoop()),
                    "a full pool lends its one connection to a session of the other loop");
            awaitQuiet(FULL_TRANSACTION_DB);

            Round round = selectOneEachWhileBlocked(loops.serverContext(), List.of(loops.onOtherLoop()));
            assertTrue(round.answeredAt(loops.onOtherLoop()) >= round.blockEndedNanos,
                    "the session on the free loop answered during the block (" + round.millis(loops.onOtherLoop())
                            + " ms) though the pool's only connection lives on the blocked loop");
            assertEquals(1, PoolProbe.stats(pools, FULL_TRANSACTION_DB).open(), "a pool of one stays at one");
            for (Connection c : clients) {
                assertEquals(1, selectOne(c), "every connection works again after the block");
            }
        } finally {
            closeAll(clients);
        }
    }

    /**
     * When the login the pool opens on the borrower's loop is refused (here: the backend role may hold one connection,
     * and the pool's idle one on loop X is it), the borrower is lent X's idle connection rather than the refusal, and
     * for a few seconds after it the pool lends across loops without trying another login per transaction.
     */
    @Test
    void transactionModeSessionIsLentAnotherLoopsIdleConnectionWhenItsOwnLoginIsRefused() throws Exception {
        PostgresServer pg = pg();
        try (Connection admin = pg.connectAsSuperuser(pg.database()); Statement s = admin.createStatement()) {
            s.execute("DO $$ BEGIN CREATE ROLE " + ONE_CONNECTION_ROLE + " LOGIN CONNECTION LIMIT 1 PASSWORD '"
                    + ONE_CONNECTION_PASSWORD + "'; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
        }
        GatewayClient.putDatabase(REFUSING_DB, Map.of("host", pg.host(), "port", pg.port(), "dbname", pg.database(),
                "user", ONE_CONNECTION_ROLE, "password", ONE_CONNECTION_PASSWORD, "poolSize", 1, "poolMode", "transaction"));
        List<Connection> clients = new ArrayList<>();
        try {
            TwoLoops loops = sessionsOnBothLoops(REFUSING_DB, clients);
            putTransactionDatabase(REFUSING_DB, ONE_CONNECTION_ROLE, 4);
            awaitPoolSize(REFUSING_DB, 4);
            double failuresBefore = loginFailures(REFUSING_DB);

            assertEquals(1, selectOne(loops.onOtherLoop()), "the refused login's borrower is lent the idle connection");
            // Until its hand-over ends the connection is not idle, and a pool with nothing idle tries a login.
            awaitQuiet(REFUSING_DB);
            assertSame(loops.serverLoop(), serverLoopOfATransaction(loops.onOtherLoop()),
                    "right after a refused login the pool lends across loops");
            assertEquals(1, PoolProbe.stats(pools, REFUSING_DB).open(), "the backend allows the role one connection");
            assertEquals(failuresBefore + 1, loginFailures(REFUSING_DB),
                    "one refused login, not one per transaction");
        } finally {
            closeAll(clients);
        }
    }

    /**
     * minPoolSize warms connections up on the loops borrowers came from, in turn: with sessions on both loops and
     * the pool's one connection on loop X, a minimum (and size) of 3 adds one on X and one on the other loop, so a
     * full pool still lends each session a connection of its own loop. (Warmed up on the janitor's context instead, the
     * other loop would get one only when the janitor happens to run there.)
     */
    @Test
    void minPoolSizeWarmsConnectionsUpOnTheLoopsBorrowersCameFrom() throws Exception {
        List<Connection> clients = new ArrayList<>();
        try {
            TwoLoops loops = sessionsOnBothLoops(WARM_DB, clients);
            PostgresServer pg = pg();
            GatewayClient.putDatabase(WARM_DB, Map.of("host", pg.host(), "port", pg.port(), "dbname", pg.database(),
                    "user", pg.scramUser(), "poolSize", 3, "minPoolSize", 3, "poolMode", "transaction"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20); // the janitor runs every 5 s
            PoolStats now = PoolProbe.stats(pools, WARM_DB);
            while (now.idle() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(50);
                now = PoolProbe.stats(pools, WARM_DB);
            }
            assertEquals(3, now.idle(), "the minimum of three warmed up: " + now);

            assertSame(threadOf(sessionOf(loops.onOtherLoop()).context()), serverLoopOfATransaction(loops.onOtherLoop()),
                    "a warm connection waits on the other loop too");
            assertEquals(3, PoolProbe.stats(pools, WARM_DB).open(), "the full pool opened nothing more");
        } finally {
            closeAll(clients);
        }
    }

    private static double loginFailures(String database) {
        double value = OperationsTest.value(GatewayClient.api().get("/q/metrics").then().statusCode(200).extract().asString(),
                "portcullis_server_login_failures_total", database);
        return Math.max(0, value); // -1: no series yet
    }

    /**
     * The pool's one connection (loop X: {@code serverLoop}, a wire verticle's context on it: {@code serverContext}) and
     * a session on the other loop.
     */
    private record TwoLoops(Thread serverLoop, Context serverContext, Connection onOtherLoop) {
    }

    /**
     * Logs in sessions to a transaction-mode database whose pool holds one connection until one session is on the
     * loop that connection does not live on; returns when the pool is quiet (its one connection idle).
     */
    private TwoLoops sessionsOnBothLoops(String database, List<Connection> clients) throws Exception {
        Connection first = GatewayClient.connect(database, USER, PASSWORD, CLIENT_PROPERTIES);
        clients.add(first);
        // The pool's only connection was opened for the first login; a transaction holds it and shows its loop.
        Thread serverLoop = serverLoopOfATransaction(first);

        Connection onOtherLoop = null;
        while (onOtherLoop == null && clients.size() < MAX_CLIENTS) {
            Connection c = GatewayClient.connect(database, USER, PASSWORD, CLIENT_PROPERTIES);
            clients.add(c);
            if (threadOf(sessionOf(c).context()) != serverLoop) {
                onOtherLoop = c;
            }
        }
        assertNotNull(onOtherLoop, "no session on the other loop among " + clients.size());
        awaitQuiet(database);
        Context serverContext = null;
        for (WireVerticle verticle : gateway.wireVerticles()) {
            if (threadOf(verticle.deployedContext()) == serverLoop) {
                serverContext = verticle.deployedContext();
            }
        }
        assertNotNull(serverContext, "the server connection lives on a wire event loop");
        return new TwoLoops(serverLoop, serverContext, onOtherLoop);
    }

    /** Runs one transaction on {@code c} and returns the event loop of the server connection it held. */
    private Thread serverLoopOfATransaction(Connection c) throws Exception {
        c.setAutoCommit(false);
        try {
            assertEquals(1, selectOne(c));
            Context serverContext = sessionOf(c).serverContext();
            assertNotNull(serverContext, "inside a transaction the session holds a server connection");
            return threadOf(serverContext);
        } finally {
            c.commit();
            c.setAutoCommit(true);
        }
    }

    private static void putTransactionDatabase(String database, String user, int poolSize) {
        PostgresServer pg = pg();
        GatewayClient.putDatabase(database, Map.of("host", pg.host(), "port", pg.port(), "dbname", pg.database(),
                "user", user, "poolSize", poolSize, "poolMode", "transaction"));
    }

    private static PostgresServer pg() {
        return Backends.postgres();
    }

    /** Waits until the pool runs with the new size (configuration changes reach it as an event). */
    private PoolStats awaitPoolSize(String database, int poolSize) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        PoolStats now = PoolProbe.stats(pools, database);
        while (now.poolSize() != poolSize && System.nanoTime() < deadline) {
            Thread.sleep(20);
            now = PoolProbe.stats(pools, database);
        }
        assertEquals(poolSize, now.poolSize(), "pool size not applied: " + now);
        return now;
    }

    /** When each client's {@code SELECT 1} answered, and when the block ended ({@link System#nanoTime()}). */
    private record Round(long startNanos, long blockEndedNanos, Map<Connection, Long> answered) {
        long answeredAt(Connection c) {
            return answered.get(c);
        }

        long millis(Connection c) {
            return TimeUnit.NANOSECONDS.toMillis(answeredAt(c) - startNanos);
        }
    }

    /** Blocks {@code loop} for {@link #BLOCK_MILLIS} and meanwhile runs {@code SELECT 1} on each client, each from its own thread. */
    private static Round selectOneEachWhileBlocked(Context loop, List<Connection> clients) throws Exception {
        CountDownLatch blocking = new CountDownLatch(1);
        CompletableFuture<Long> blockEnded = new CompletableFuture<>();
        loop.runOnContext(v -> {
            blocking.countDown();
            try {
                Thread.sleep(BLOCK_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            blockEnded.complete(System.nanoTime());
        });
        assertTrue(blocking.await(10, TimeUnit.SECONDS), "the event loop did not run the blocking task");
        ExecutorService threads = Executors.newFixedThreadPool(clients.size());
        try {
            long start = System.nanoTime();
            List<Future<Long>> answers = new ArrayList<>();
            for (Connection c : clients) {
                answers.add(threads.submit(() -> {
                    assertEquals(1, selectOne(c));
                    return System.nanoTime();
                }));
            }
            Map<Connection, Long> answered = new java.util.IdentityHashMap<>();
            for (int i = 0; i < clients.size(); i++) {
                answered.put(clients.get(i), answers.get(i).get(BLOCK_MILLIS + 15_000, TimeUnit.MILLISECONDS));
            }
            return new Round(start, blockEnded.get(10, TimeUnit.SECONDS), answered);
        } finally {
            threads.shutdownNow();
        }
    }

    /** The thread of a context's event loop: two contexts on the same loop share it. */
    private static Thread threadOf(Context context) throws Exception {
        CompletableFuture<Thread> thread = new CompletableFuture<>();
        context.runOnContext(v -> thread.complete(Thread.currentThread()));
        return thread.get(10, TimeUnit.SECONDS);
    }

    /** The gateway session behind a client: its BackendKeyData carries the session's process id. */
    private ClientSession sessionOf(Connection c) throws SQLException {
        int processId = c.unwrap(PGConnection.class).getBackendPID();
        ClientSession session = gateway.sessionRegistry().get(processId);
        assertNotNull(session, "no session with process id " + processId);
        return session;
    }

    /** Waits until the pool has nothing lent, being reset or logging in. */
    private void awaitQuiet(String database) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        PoolStats now = PoolProbe.stats(pools, database);
        while ((now.lent() != 0 || now.resetting() != 0 || now.loggingIn() != 0) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            now = PoolProbe.stats(pools, database);
        }
        assertTrue(now.lent() == 0 && now.resetting() == 0 && now.loggingIn() == 0, "pool not quiet: " + now);
    }

    private static int selectOne(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            assertTrue(rs.next());
            return rs.getInt(1);
        }
    }

    private static void closeAll(List<Connection> clients) {
        for (Connection c : clients) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing after a failed assertion: the assertion is the news
            }
        }
    }
}
