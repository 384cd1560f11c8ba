package io.portcullis.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.portcullis.testing.Backends;
import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.PostgresServer;
import io.portcullis.testing.QuestDbServer;
import io.portcullis.testing.RawClient;
import io.portcullis.testing.RawLogin;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reads are forwarded as the buffers Netty read them into (pooled, direct memory), so every path that
 * does not send a chunk on must release it. Netty's leak detector at its strictest level tracks every
 * buffer; this test drives the paths that end a chunk's life (forwarded both ways over TLS, copied for
 * the statement mapping, held while a transaction-pool client waits, dropped when a client leaves or
 * aborts mid-result, released after a pool's own exchanges) and fails on any leak it reports.
 */
@QuarkusTest
class ReadBufferLeakTest {

    static final String USER = "leak_user";
    static final String PASSWORD = "leak-pass";

    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();
    private static ResourceLeakDetector.Level levelBefore;

    @BeforeAll
    static void watchForLeaks() throws Exception {
        levelBefore = ResourceLeakDetector.getLevel();
        // Read at every allocation, so raising it now tracks every buffer allocated from here on.
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        byteBufLeakDetector().setLeakListener((type, records) -> LEAKS.add(type + ": " + records));

        QuestDbServer questdb = Backends.questdb();
        PostgresServer pg = Backends.postgres();
        GatewayClient.putDatabase("leak_session", Map.of("host", questdb.host(), "port", questdb.pgPort(),
                "user", questdb.user(), "password", questdb.password(), "poolSize", 2));
        GatewayClient.putDatabase("leak_txn", Map.of("host", pg.host(), "port", pg.port(), "dbname", pg.database(),
                "user", pg.scramUser(), "password", pg.scramPassword(), "poolSize", 1, "poolMode", "transaction"));
        GatewayClient.putUser(USER, Map.of("password", PASSWORD));
    }

    @AfterAll
    static void restoreLevel() throws Exception {
        byteBufLeakDetector().setLeakListener(null);
        ResourceLeakDetector.setLevel(levelBefore);
    }

    /** The detector every Netty ByteBuf reports to; Netty keeps it in a package-private static field. */
    @SuppressWarnings("unchecked")
    private static ResourceLeakDetector<ByteBuf> byteBufLeakDetector() throws Exception {
        Field field = Class.forName("io.netty.buffer.AbstractByteBuf").getDeclaredField("leakDetector");
        field.setAccessible(true);
        return (ResourceLeakDetector<ByteBuf>) field.get(null);
    }

    @Test
    void noReadBufferLeaksOnAnyForwardingPath() throws Exception {
        sessionPoolQueriesAndLargeResults();
        transactionPoolWithMappedStatementsAndWaitingClients();
        clientsThatLeaveMidResult();
        assertNoLeaks();
    }

    private static void sessionPoolQueriesAndLargeResults() throws SQLException {
        try (Connection c = GatewayClient.connect("leak_session", USER, PASSWORD)) {
            for (int i = 0; i < 200; i++) {
                assertEquals(i, selectLong(c, "SELECT " + i));
            }
            // Many reads per result, larger than any one buffer.
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT x, rnd_str(64, 64, 0) FROM long_sequence(100000)")) {
                long rows = 0;
                while (rs.next()) {
                    rows++;
                }
                assertEquals(100_000, rows);
            }
        }
    }

    private static void transactionPoolWithMappedStatementsAndWaitingClients() throws Exception {
        // Pool of one: the clients take turns, so each one's bytes wait while it borrows.
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            List<Future<Long>> sums = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                sums.add(clients.submit(() -> {
                    long sum = 0;
                    try (Connection c = GatewayClient.connect("leak_txn", USER, PASSWORD, Map.of("prepareThreshold", "1"));
                         PreparedStatement p = c.prepareStatement("SELECT ?::int + 1")) {
                        for (int i = 0; i < 100; i++) {
                            p.setInt(1, i);
                            try (ResultSet rs = p.executeQuery()) {
                                assertTrue(rs.next());
                                sum += rs.getInt(1);
                            }
                        }
                    }
                    return sum;
                }));
            }
            for (Future<Long> sum : sums) {
                assertEquals(5050, sum.get(60, TimeUnit.SECONDS));
            }
        } finally {
            clients.shutdownNow();
        }
    }

    /**
     * A client that goes away while a large result streams to it, and one that stops reading (the
     * server connection is paused with reads held): what was in flight is dropped, not leaked.
     */
    private static void clientsThatLeaveMidResult() throws Exception {
        for (int i = 0; i < 3; i++) {
            try (RawClient raw = RawClient.tls(GatewayClient.gatewayPort())) {
                RawLogin.Result login = RawLogin.login(raw, "leak_session", USER, PASSWORD);
                assertTrue(login.ok(), "login: " + login.error());
                RawLogin.readUntilReady(raw);
                raw.message('Q', RawLogin.cstring("SELECT x, rnd_str(64, 64, 0) FROM long_sequence(5000000)"));
                assertEquals('T', raw.readType(), "the result starts");
                Thread.sleep(200 * i); // 0: leaves at once; later: after the gateway paused the backend
            }
        }
        // The pool still serves: the abandoned connections were closed, not lent half-read.
        try (Connection c = GatewayClient.connect("leak_session", USER, PASSWORD)) {
            assertEquals(7, selectLong(c, "SELECT 7"));
        }
    }

    /**
     * The detector reports a leak when it finds, at a later allocation, a tracked buffer collected
     * without its release: collect, then allocate until the reports are in.
     */
    private static void assertNoLeaks() throws InterruptedException {
        for (int round = 0; round < 10 && LEAKS.isEmpty(); round++) {
            System.gc();
            Thread.sleep(100);
            for (int i = 0; i < 100; i++) {
                PooledByteBufAllocator.DEFAULT.directBuffer(64).release();
            }
        }
        assertTrue(LEAKS.isEmpty(), () -> LEAKS.size() + " buffers leaked, first: " + LEAKS.get(0));
    }

    private static long selectLong(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next());
            return rs.getLong(1);
        }
    }
}
