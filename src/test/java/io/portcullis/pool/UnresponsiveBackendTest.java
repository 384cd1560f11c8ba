package io.portcullis.pool;

import io.portcullis.pool.PoolManager;
import io.portcullis.pool.PoolStats;
import io.portcullis.testing.Backends;
import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.PoolProbe;
import io.portcullis.testing.PostgresServer;
import io.portcullis.testing.TestSettings;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Backends that take a connection and then say nothing, or never take it: the client gets an
 * ErrorResponse within the configured timeout instead of hanging, other databases go on working
 * meanwhile, and the pool keeps no trace of the half-open connection.
 */
@QuarkusTest
class UnresponsiveBackendTest {

    private static final String USER = "mute_user";
    private static final String PASSWORD = "mute-pass";
    /** Long enough that serving another database meanwhile cannot take as long on a busy machine. */
    private static final long LOGIN_TIMEOUT_SECONDS = 5;
    private static final long CONNECT_TIMEOUT_SECONDS = 2;
    /** Time for TLS, the client's own SCRAM exchange and a busy machine, on top of the gateway's timeout. */
    private static final long SLACK_MILLIS = 4_000;

    @Inject
    PoolManager pools;

    @BeforeAll
    static void configure() {
        PostgresServer pg = Backends.postgres();
        GatewayClient.putDatabase("mute_ok", Map.of("host", pg.host(), "port", pg.port(), "dbname", pg.database(),
                "user", pg.scramUser(), "password", pg.scramPassword(), "poolSize", 2));
        GatewayClient.putUser(USER, Map.of("password", PASSWORD));
    }

    @AfterEach
    void defaults() {
        TestSettings.reset();
    }

    private static void putBackend(String database, int port) {
        GatewayClient.putDatabase(database, Map.of("host", "127.0.0.1", "port", port, "dbname", "nothing",
                "user", "nobody", "password", "never-checked", "poolSize", 2));
    }

    private static int selectInt(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next());
            return rs.getInt(1);
        }
    }

    /** Tries to log in to {@code database} on another thread; completes with the refusal and how long it took. */
    private static CompletableFuture<Refusal> refusedLogin(String database) {
        return CompletableFuture.supplyAsync(() -> {
            long start = System.nanoTime();
            SQLException e = assertThrows(SQLException.class, () -> GatewayClient.connect(database, USER, PASSWORD).close());
            return new Refusal(e, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        });
    }

    private record Refusal(SQLException error, long millis) {
    }

    private PoolStats awaitNoneOpen(String database) throws InterruptedException {
        return PoolProbe.awaitNoneOpen(pools, database);
    }

    private PoolStats stats(String database) {
        return PoolProbe.stats(pools, database);
    }

    @Test
    void aBackendThatAcceptsButNeverAnswersIsRefusedWith08001WithinTheLoginTimeoutAndLeavesNothingOpen() throws Exception {
        TestSettings.put(Map.of("serverLoginTimeout", LOGIN_TIMEOUT_SECONDS + "s"));
        try (SilentBackend silent = new SilentBackend()) {
            putBackend("mute_silent", silent.port());
            CompletableFuture<Refusal> first = refusedLogin("mute_silent");
            CompletableFuture<Refusal> second = refusedLogin("mute_silent");
            assertTrue(silent.awaitAccepted(2, TimeUnit.SECONDS.toMillis(LOGIN_TIMEOUT_SECONDS) + SLACK_MILLIS),
                    "the gateway opened two server connections");

            // Meanwhile another database answers at once: nothing waits behind the silent logins.
            long start = System.nanoTime();
            try (Connection ok = GatewayClient.connect("mute_ok", USER, PASSWORD)) {
                for (int i = 0; i < 5; i++) {
                    assertEquals(i, selectInt(ok, "SELECT " + i));
                }
            }
            long okMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(okMillis < TimeUnit.SECONDS.toMillis(LOGIN_TIMEOUT_SECONDS),
                    "the other database was served in " + okMillis + " ms, not after the silent login's timeout");

            for (CompletableFuture<Refusal> login : List.of(first, second)) {
                Refusal refusal = login.get(LOGIN_TIMEOUT_SECONDS + 10, TimeUnit.SECONDS);
                SQLException e = refusal.error();
                assertEquals("08001", e.getSQLState(), e.toString());
                assertTrue(e.getMessage().contains("\"mute_silent\"") && e.getMessage().contains("127.0.0.1:" + silent.port()),
                        "names the database and the backend: " + e.getMessage());
                assertTrue(e.getMessage().contains("no answer to the login within " + LOGIN_TIMEOUT_SECONDS + " s (serverLoginTimeout)"),
                        e.getMessage());
                assertTrue(refusal.millis() >= TimeUnit.SECONDS.toMillis(LOGIN_TIMEOUT_SECONDS) - 200
                                && refusal.millis() < TimeUnit.SECONDS.toMillis(LOGIN_TIMEOUT_SECONDS) + SLACK_MILLIS,
                        "refused after the login timeout, not after " + refusal.millis() + " ms");
            }
            PoolStats after = awaitNoneOpen("mute_silent");
            assertEquals(0, after.open(), "the half-open connections left the pool: " + after);
            assertTrue(silent.allClosedByPeer(TimeUnit.SECONDS.toMillis(5)),
                    "the gateway closed both sockets it had opened to the silent backend");
        } finally {
            GatewayClient.deleteDatabase("mute_silent");
        }
    }

    @Test
    void aBackendWhoseBacklogIsFullIsRefusedWith08006WithinTheConnectTimeout() throws Exception {
        try (ServerSocket neverAccepts = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Backlog backlog = Backlog.fill(neverAccepts)) {
            if (Backlog.LINUX) {
                assertTrue(backlog.full(), "Linux drops SYNs to a full accept queue: the backlog must fill");
            } else {
                assumeTrue(backlog.full(), "this kernel does not drop SYNs to a full accept queue");
            }
            TestSettings.put(Map.of("serverConnectTimeout", CONNECT_TIMEOUT_SECONDS + "s"));
            putBackend("mute_hole", neverAccepts.getLocalPort());
            Refusal refusal = refusedLogin("mute_hole").get(CONNECT_TIMEOUT_SECONDS + 10, TimeUnit.SECONDS);
            SQLException e = refusal.error();
            assertEquals("08006", e.getSQLState(), e.toString());
            assertTrue(e.getMessage().contains("could not connect to the backend of database \"mute_hole\" at 127.0.0.1:"
                    + neverAccepts.getLocalPort()), e.getMessage());
            assertTrue(e.getMessage().contains("timed out"), "says it timed out: " + e.getMessage());
            assertTrue(refusal.millis() >= TimeUnit.SECONDS.toMillis(CONNECT_TIMEOUT_SECONDS) - 200
                            && refusal.millis() < TimeUnit.SECONDS.toMillis(CONNECT_TIMEOUT_SECONDS) + SLACK_MILLIS,
                    "refused after the connect timeout, not after " + refusal.millis() + " ms");
            try (Connection ok = GatewayClient.connect("mute_ok", USER, PASSWORD)) {
                assertEquals(7, selectInt(ok, "SELECT 7"));
            }
            PoolStats after = awaitNoneOpen("mute_hole");
            assertEquals(0, after.open(), "the failed connect left the pool: " + after);
        } finally {
            GatewayClient.deleteDatabase("mute_hole");
        }
    }

    /** Accepts every connection, reads what comes, never writes, and keeps each socket open until closed. */
    private static final class SilentBackend implements AutoCloseable {

        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<Socket> accepted = new CopyOnWriteArrayList<>();
        private final List<CompletableFuture<Void>> closedByPeer = new CopyOnWriteArrayList<>();

        SilentBackend() throws IOException {
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket socket = server.accept();
                        accepted.add(socket);
                        CompletableFuture<Void> eof = new CompletableFuture<>();
                        closedByPeer.add(eof);
                        Thread reader = new Thread(() -> drainUntilEof(socket, eof), "silent-backend-read");
                        reader.setDaemon(true);
                        reader.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "silent-backend-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private static void drainUntilEof(Socket socket, CompletableFuture<Void> eof) {
            byte[] buffer = new byte[1024];
            try (InputStream in = socket.getInputStream()) {
                while (in.read(buffer) >= 0) {
                    // the startup message arrives and is never answered
                }
                eof.complete(null);
            } catch (IOException e) {
                eof.complete(null); // a reset is a close too
            }
        }

        int port() {
            return server.getLocalPort();
        }

        boolean awaitAccepted(int count, long millis) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            while (accepted.size() < count && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            return accepted.size() >= count;
        }

        boolean allClosedByPeer(long millis) {
            try {
                CompletableFuture.allOf(closedByPeer.toArray(CompletableFuture[]::new)).get(millis, TimeUnit.MILLISECONDS);
                return !closedByPeer.isEmpty();
            } catch (Exception e) {
                return false;
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket socket : accepted) {
                socket.close();
            }
        }
    }

    /**
     * Connections that fill a listening socket's accept queue. Once it is full, Linux drops every further
     * SYN ({@code tcp_conn_request}: a full accept queue is a drop, whatever {@code tcp_abort_on_overflow}
     * and SYN cookies say), so a connect there hangs like one to a black-holed address. Other kernels may
     * answer with a reset instead; there the connect-timeout test is skipped. A black-holed address
     * (TEST-NET 192.0.2.1, 10.255.255.1) is no substitute: without a route it fails at once, and sandboxes
     * answer for it (here 192.0.2.1 is the gateway and refuses, and a connect to 10.255.255.1 succeeds).
     */
    private record Backlog(List<Socket> fillers, boolean full) implements AutoCloseable {

        static final boolean LINUX = java.nio.file.Files.isDirectory(java.nio.file.Path.of("/proc/sys/net/ipv4"));

        private static final int MAX_FILLERS = 64;
        private static final int PROBE_MILLIS = 300;

        static Backlog fill(ServerSocket server) throws IOException {
            List<Socket> fillers = new ArrayList<>();
            for (int i = 0; i < MAX_FILLERS; i++) {
                Socket socket = new Socket();
                try {
                    socket.connect(new InetSocketAddress(server.getInetAddress(), server.getLocalPort()), PROBE_MILLIS);
                    fillers.add(socket);
                } catch (SocketTimeoutException e) {
                    socket.close();
                    return new Backlog(fillers, true);
                }
            }
            return new Backlog(fillers, false);
        }

        @Override
        public void close() throws IOException {
            for (Socket socket : fillers) {
                socket.close();
            }
        }
    }
}
