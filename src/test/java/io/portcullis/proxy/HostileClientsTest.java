package io.portcullis.proxy;

import io.portcullis.config.LiveSettings;
import io.portcullis.config.RuntimeSettings;
import io.portcullis.testing.Backends;
import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.PostgresServer;
import io.portcullis.testing.QuestDbServer;
import io.portcullis.testing.RawClient;
import io.portcullis.testing.RawLogin;
import io.portcullis.wire.FrameDecoder;
import io.portcullis.wire.MessageTypes;
import io.portcullis.wire.StartupDecoder;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clients that attack the wire listener rather than use it, over real sockets: slow ones, greedy
 * ones, oversized and malformed ones, one that never reads, one that renegotiates TLS. Each test also
 * shows that a well-behaved client is served meanwhile. The listener runs with its default limits
 * (the tests read them from {@link ListenerSettings}); clients that must be counted apart connect
 * from their own loopback address (127.0.0.0/8 all reach the gateway).
 */
@QuarkusTest
class HostileClientsTest {

    private static final String QUEST_DB = "hostile_qdb";
    private static final String PG_DB = "hostile_pg";
    private static final String USER = "hostile_user";
    private static final String PASSWORD = "hostile-pass";
    private static final String MD5_USER = "hostile_md5";
    private static final String MD5_PASSWORD = "hostile-md5-pass";
    /** Slack for a timeout to fire on a loaded 2-core machine. */
    private static final Duration LATE = Duration.ofSeconds(8);
    /** What the gateway may hold for one client that does not read: far below the result it asked for. */
    private static final long MAX_HELD_FOR_ONE_CLIENT = 64L * 1024 * 1024;

    @Inject
    ListenerSettings listener;
    @Inject
    LiveSettings live;

    @BeforeAll
    static void configure() {
        QuestDbServer questdb = Backends.questdb();
        GatewayClient.putDatabase(QUEST_DB, Map.of("host", questdb.host(), "port", questdb.pgPort(),
                "user", questdb.user(), "password", questdb.password(), "poolSize", 2));
        PostgresServer pg = Backends.postgres();
        GatewayClient.putDatabase(PG_DB, Map.of("host", pg.host(), "port", pg.port(), "dbname", pg.database(),
                "user", pg.scramUser(), "password", pg.scramPassword(), "poolSize", 2));
        GatewayClient.putUser(USER, Map.of("password", PASSWORD));
        GatewayClient.putUser(MD5_USER, Map.of("password", MD5_PASSWORD, "auth", "md5"));
    }

    /** A well-behaved client logs in over TLS and runs a query, while whatever the test set up goes on. */
    private static void assertServing() throws Exception {
        try (Connection c = GatewayClient.connect(QUEST_DB, USER, PASSWORD); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT 1")) {
            assertTrue(rs.next());
            assertEquals(1, rs.getInt(1));
        }
    }

    private static InetAddress loopback(int last) throws IOException {
        return InetAddress.getByAddress(new byte[]{127, 0, 0, (byte) last});
    }

    private static Socket plainFrom(InetAddress local) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), GatewayClient.gatewayPort(), local, 0);
        socket.setSoTimeout(120_000);
        return socket;
    }

    /** Blocks until the gateway closes {@code socket}; returns how long that took from {@code since}. */
    private static Duration untilClosed(Socket socket, long since) {
        try {
            InputStream in = socket.getInputStream();
            while (in.read() >= 0) {
                // the gateway sends nothing to these clients, but drain whatever comes
            }
        } catch (IOException closedOrReset) {
            // a reset is a close too
        }
        return Duration.ofNanos(System.nanoTime() - since);
    }

    /** Writes {@code bytes} one per second until done or the gateway closes the connection. */
    private static void trickle(Socket socket, byte[] bytes) {
        try {
            OutputStream out = socket.getOutputStream();
            for (byte b : bytes) {
                out.write(b);
                out.flush();
                Thread.sleep(1000);
            }
        } catch (IOException | InterruptedException expectedOnceCut) {
            // the gateway closed it
        }
    }

    private static byte[] startupPacket(int padding) {
        byte[] body = ("user\0" + USER + "\0database\0" + QUEST_DB + "\0application_name\0" + "x".repeat(padding) + "\0\0")
                .getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(8 + body.length).putInt(8 + body.length).putInt(MessageTypes.PROTOCOL_3_0).put(body).array();
    }

    @Test
    void slowClientsAreCutAtTheirTimeouts() throws Exception {
        Duration loginTimeout = live.current().get(RuntimeSettings.CLIENT_LOGIN_TIMEOUT);
        Duration handshakeTimeout = listener.tlsHandshakeTimeout();
        ExecutorService threads = Executors.newCachedThreadPool();
        try {
            // 1. A startup packet at one byte per second (longer than the login timeout allows).
            Socket slowStartup = plainFrom(loopback(1));
            long startupSince = System.nanoTime();
            byte[] packet = startupPacket((int) loginTimeout.toSeconds() + 30);
            threads.submit(() -> trickle(slowStartup, packet));
            CompletableFuture<Duration> startupCut = CompletableFuture.supplyAsync(() -> untilClosed(slowStartup, startupSince), threads);

            // 2. SSLRequest, 'S', then no ClientHello at all.
            Socket silentTls = plainFrom(loopback(1));
            OutputStream silentOut = silentTls.getOutputStream();
            silentOut.write(ByteBuffer.allocate(8).putInt(8).putInt(MessageTypes.SSL_REQUEST_CODE).array());
            silentOut.flush();
            assertEquals('S', silentTls.getInputStream().read());
            long silentSince = System.nanoTime();
            CompletableFuture<Duration> silentCut = CompletableFuture.supplyAsync(() -> untilClosed(silentTls, silentSince), threads);

            // 3. Direct TLS: a ClientHello record header announcing 512 bytes, then a byte per second.
            Socket slowHello = plainFrom(loopback(1));
            long helloSince = System.nanoTime();
            byte[] hello = new byte[5 + 512];
            hello[0] = MessageTypes.TLS_HANDSHAKE_RECORD;
            hello[1] = 3;
            hello[2] = 1;
            hello[3] = 2;
            hello[4] = 0;
            hello[5] = 1; // ClientHello
            threads.submit(() -> trickle(slowHello, hello));
            CompletableFuture<Duration> helloCut = CompletableFuture.supplyAsync(() -> untilClosed(slowHello, helloSince), threads);

            assertServing();
            Duration silent = silentCut.get(handshakeTimeout.plus(LATE).toSeconds(), TimeUnit.SECONDS);
            Duration slow = helloCut.get(handshakeTimeout.plus(LATE).toSeconds(), TimeUnit.SECONDS);
            assertTrue(silent.compareTo(handshakeTimeout.minusMillis(500)) >= 0, "silent handshake cut after " + silent);
            assertTrue(slow.compareTo(handshakeTimeout.minusMillis(500)) >= 0, "slow ClientHello cut after " + slow);
            assertServing();
            Duration startup = startupCut.get(loginTimeout.plus(LATE).toSeconds(), TimeUnit.SECONDS);
            assertTrue(startup.compareTo(loginTimeout.minusMillis(500)) >= 0, "slow startup packet cut after " + startup);
            assertServing();
            for (Socket s : List.of(slowStartup, silentTls, slowHello)) {
                s.close();
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void connectionsBeyondThePerAddressLimitAreRefusedWith53300() throws Exception {
        int limit = listener.maxConnectionsPerAddress();
        assertTrue(limit > 0, "the default limit is on");
        InetAddress greedy = loopback(3);
        List<RawClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < limit; i++) {
                RawClient raw = RawClient.plain(GatewayClient.gatewayPort(), greedy);
                open.add(raw);
                raw.write(ByteBuffer.allocate(8).putInt(8).putInt(MessageTypes.GSSENC_REQUEST_CODE).array());
            }
            // Every one answered: each was accepted and counted before the next one below.
            for (int i = 0; i < limit; i++) {
                assertEquals('N', (char) open.get(i).readByte(), "connection " + (i + 1) + " is served");
            }
            try (RawClient refused = RawClient.plain(GatewayClient.gatewayPort(), greedy)) {
                assertEquals('E', refused.readType(), "refused before the client says anything, in clear");
                assertEquals("53300", refused.lastFields().get('C'));
                assertTrue(refused.closedByPeer());
            }
            assertServing();

            open.remove(0).close();
            boolean admitted = false;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!admitted && System.nanoTime() < deadline) {
                try (RawClient again = RawClient.plain(GatewayClient.gatewayPort(), greedy)) {
                    again.write(ByteBuffer.allocate(8).putInt(8).putInt(MessageTypes.GSSENC_REQUEST_CODE).array());
                    admitted = again.readByte() == 'N';
                }
            }
            assertTrue(admitted, "a closed connection frees its slot");
        } finally {
            for (RawClient raw : open) {
                raw.close();
            }
        }
        String metrics = GatewayClient.api().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("portcullis_connections_refused_total{reason=\"max_connections_per_address\"}"), metrics);
    }

    @Test
    void startupPacketOverPostgresLimitIsRefusedFromItsLength() throws Exception {
        try (RawClient raw = RawClient.plain(GatewayClient.gatewayPort())) {
            raw.write(ByteBuffer.allocate(8).putInt(StartupDecoder.MAX_STARTUP_PACKET_LENGTH + 1).putInt(MessageTypes.PROTOCOL_3_0).array());
            assertEquals('E', raw.readType());
            assertEquals("08P01", raw.lastFields().get('C'));
            assertTrue(raw.closedByPeer());
        }
        try (RawClient raw = RawClient.tls(GatewayClient.gatewayPort())) {
            // Exactly at the limit is a startup packet like any other.
            byte[] packet = startupPacket(0);
            byte[] padded = startupPacket(StartupDecoder.MAX_STARTUP_PACKET_LENGTH - packet.length);
            assertEquals(StartupDecoder.MAX_STARTUP_PACKET_LENGTH, padded.length);
            raw.write(padded);
            assertEquals('R', raw.readType(), "a 10,000-byte startup packet is accepted");
        }
        assertServing();
    }

    @Test
    void oversizedFrameDuringAuthenticationIsRefusedFromItsHeader() throws Exception {
        try (RawClient raw = RawClient.tls(GatewayClient.gatewayPort())) {
            raw.startup(3, 0, Map.of("user", USER, "database", QUEST_DB));
            assertEquals('R', raw.readType());
            // Only the header of a 1 MiB password message: the gateway must answer without waiting for it.
            raw.write(ByteBuffer.allocate(5).put((byte) 'p').putInt(1 << 20).array());
            assertEquals('E', raw.readType());
            assertEquals("08P01", raw.lastFields().get('C'));
            assertTrue(raw.lastFields().get('M').contains(String.valueOf(FrameDecoder.MAX_AUTH_FRAME_LENGTH)), raw.lastFields().toString());
            assertTrue(raw.closedByPeer());
        }
        assertServing();
    }

    @Test
    void garbageAfterTheTlsHandshakeIsAProtocolViolation() throws Exception {
        Random random = new Random(8);
        List<byte[]> garbage = new ArrayList<>();
        garbage.add("GET / HTTP/1.1\r\nHost: db\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < 5; i++) {
            byte[] junk = new byte[8 + random.nextInt(200)];
            random.nextBytes(junk);
            ByteBuffer.wrap(junk).putInt(junk.length);
            garbage.add(junk);
        }
        for (byte[] junk : garbage) {
            try (RawClient raw = RawClient.tls(GatewayClient.gatewayPort())) {
                raw.write(junk);
                assertEquals('E', raw.readType());
                assertEquals("08P01", raw.lastFields().get('C'));
                assertTrue(raw.closedByPeer());
            }
        }
        assertServing();
    }

    @Test
    void clientThatNeverReadsStallsItsServerConnectionNotTheGatewayMemory() throws Exception {
        PostgresServer pg = Backends.postgres();
        String marker = "hostile_backpressure_" + System.nanoTime();
        // About 300 MB of rows: far more than any buffer between the backend and this client.
        String query = "SELECT repeat('x', 1000) AS " + marker + " FROM generate_series(1, 300000)";
        double sentBefore = sentToClients(PG_DB);
        try (RawClient raw = RawClient.tls(GatewayClient.gatewayPort(), loopback(6))) {
            RawLogin.Result login = RawLogin.login(raw, PG_DB, MD5_USER, MD5_PASSWORD);
            assertTrue(login.ok(), "login: " + login.error());
            RawLogin.readUntilReady(raw);
            raw.message('Q', RawLogin.cstring(query));
            // Never read again. The backend must end up blocked writing to the gateway: the gateway has
            // paused reading its server connection because this client's socket is full.
            String waitEvent = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline && !"ClientWrite".equals(waitEvent)) {
                waitEvent = backendWaitEvent(pg, marker);
                Thread.sleep(200);
            }
            assertEquals("ClientWrite", waitEvent, "the backend is blocked on its socket to the gateway");
            double held = sentToClients(PG_DB) - sentBefore;
            assertTrue(held > 0, "the metric counts what was sent to this client");
            assertTrue(held < MAX_HELD_FOR_ONE_CLIENT, "the gateway took " + held + " bytes for a client that reads nothing");
            assertEquals("ClientWrite", backendWaitEvent(pg, marker), "still blocked: the gateway does not read on");
            assertServing();
        }
        // The client left mid-result: its server connection is closed, not lent again, and the backend ends.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && backendWaitEvent(pg, marker) != null) {
            Thread.sleep(200);
        }
        assertEquals(null, backendWaitEvent(pg, marker), "the backend of the abandoned query ended");
        assertServing();
    }

    /** The backend's wait event for the query carrying {@code marker}, or null when no such query runs. */
    private static String backendWaitEvent(PostgresServer pg, String marker) throws Exception {
        try (Connection c = pg.connectAsSuperuser(PostgresServer.MAINTENANCE_DATABASE); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT coalesce(wait_event, 'none') FROM pg_stat_activity WHERE usename = '"
                     + pg.scramUser() + "' AND query LIKE '%" + marker + "%' AND query NOT LIKE '%pg_stat_activity%'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static final Pattern SENT = Pattern.compile("^portcullis_client_sent_bytes_total\\{([^}]*)\\}\\s+(\\S+)$", Pattern.MULTILINE);

    /** {@code portcullis_client_sent_bytes_total} of one database: bytes the gateway took on to send to its clients. */
    private static double sentToClients(String database) {
        String metrics = GatewayClient.api().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = SENT.matcher(metrics);
        while (m.find()) {
            if (m.group(1).contains("database=\"" + database + "\"")) {
                return Double.parseDouble(m.group(2));
            }
        }
        return 0; // the database's meters appear with its pool, at its first client
    }
}
