package io.portcullis.proxy;

import io.portcullis.testing.Backends;
import io.portcullis.testing.FreePorts;
import io.portcullis.testing.PackagedApplication;
import io.portcullis.testing.PostgresServer;
import io.portcullis.testing.QuestDbServer;
import io.portcullis.testing.RawClient;
import io.portcullis.testing.RawLogin;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bounded memory per client, measured where it matters: the resident memory of the packaged gateway,
 * started as a process of its own, while one client sends 150 MiB of requests that the gateway answers
 * itself and never reads an answer. Once the client's write queue is full the gateway must stop reading
 * that client (so the sender blocks long before 150 MiB) and hold only a bounded amount for it, while
 * other clients are served.
 *
 * <p>Why the process's RSS: the measure, and the only one that sees every kind of memory (heap,
 * Netty's direct arenas, queued writes). To keep it a steady measure the heap is fixed and, on the JVM,
 * touched at start ({@code -Xms=-Xmx}, {@code AlwaysPreTouch}), so garbage made by the flood does not show
 * up as growth; a first, shorter flood warms the paths (JIT, pool arenas) before the baseline is read.
 * What is left to grow is what the gateway keeps for the client: the old code grew ~1 GiB here.
 */
class ClientMemoryIT {

    private static final String DATABASE = "mem_qdb";
    /** PostgreSQL, one server connection: it sends no ParseComplete before a Sync or Flush. */
    private static final String PG_DATABASE = "mem_pg";
    private static final String USER = "mem_user";
    private static final String PASSWORD = "mem-pass";
    private static final String ADMIN = "mem_admin";
    private static final String ADMIN_PASSWORD = "mem-admin-pass";
    private static final String CONSOLE = "pgbouncer";
    private static final long MIB = 1L << 20;
    /** What the client sends: far more than any buffer between it and the gateway. */
    private static final long FLOOD = 150 * MIB;
    /** The warm-up flood, before the baseline. */
    private static final long WARM_UP = 16 * MIB;
    /** The most the gateway's RSS may grow while one client floods it. */
    private static final long MAX_GROWTH = 64 * MIB;
    /**
     * The most the sender may get through before blocking: the kernel's socket buffers on both sides
     * (loopback autotuning goes up to tcp_rmem's 32 MiB here) plus the little the gateway holds.
     */
    private static final long MAX_ACCEPTED = 64 * MIB;
    /** No byte accepted for this long: the sender is blocked. */
    private static final Duration STALLED = Duration.ofSeconds(3);

    private static Process gateway;
    private static Path log;
    private static int wirePort;
    private static int httpPort;

    @BeforeAll
    static void start() throws Exception {
        QuestDbServer questdb = Backends.questdb();
        wirePort = FreePorts.next();
        httpPort = FreePorts.next();
        Path dataDir = Files.createTempDirectory(Path.of("target"), "memory-");
        log = dataDir.resolve("gateway.log");
        Map<String, String> properties = PackagedApplication.gatewayProperties(dataDir, wirePort, httpPort,
                ADMIN_TOKEN_VALUE);
        properties.put("portcullis.tls.mode", "allow");
        gateway = new ProcessBuilder(PackagedApplication.built().command(List.of("-Xms160m", "-Xmx160m"),
                List.of("-XX:+AlwaysPreTouch"), properties))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PackagedApplication.awaitReady(gateway, httpPort, log, Duration.ofSeconds(60));
        api().body(Map.of("host", questdb.host(), "port", questdb.pgPort(), "user", questdb.user(),
                "password", questdb.password(), "poolSize", 2, "poolMode", "transaction"))
                .put("/api/v1/databases/" + DATABASE).then().statusCode(201);
        PostgresServer pg = Backends.postgres();
        api().body(Map.of("host", pg.host(), "port", pg.port(), "dbname", pg.database(), "user", pg.scramUser(),
                        "password", pg.scramPassword(), "poolSize", 1, "poolMode", "transaction"))
                .put("/api/v1/databases/" + PG_DATABASE).then().statusCode(201);
        api().body(Map.of("password", PASSWORD)).put("/api/v1/users/" + USER).then().statusCode(201);
        api().body(Map.of("password", ADMIN_PASSWORD, "admin", true)).put("/api/v1/users/" + ADMIN).then().statusCode(201);
    }

    @AfterAll
    static void stop() {
        if (gateway != null && gateway.isAlive()) {
            gateway.destroyForcibly();
        }
    }

    /**
     * Close and Parse of a statement the server connection already has, without Sync: the gateway answers
     * both itself (CloseComplete, ParseComplete), nothing reaches the backend.
     */
    @Test
    void closeParseFloodInTransactionModeStopsBeingReadAndHoldsLittle() throws Exception {
        byte[] pairs = closeParsePairs();
        floodAndMeasure("Close/Parse pairs", () -> {
            RawClient raw = loggedIn(DATABASE, USER, PASSWORD);
            raw.message('P', concat(cstring("S_1"), cstring("SELECT 1"), new byte[]{0, 0}));
            raw.message('S', new byte[0]);
            RawLogin.readUntilReady(raw); // prepared once, with its Sync: from now on the gateway answers
            return raw;
        }, pairs, () -> {
            try (Connection c = jdbc(DATABASE, USER, PASSWORD, false); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT 41 + 1")) {
                assertTrue(rs.next());
                assertEquals(42, rs.getInt(1));
            }
        }, true);
    }

    /**
     * The same pairs behind a Parse the backend has not answered (PostgreSQL holds its ParseComplete until
     * a Sync or Flush that never comes): the gateway's answers cannot be written yet, so it owes them,
     * each with its statement, and must stop reading once it owes too much.
     */
    @Test
    void closeParseFloodBehindAnUnansweredParseStopsBeingReadAndHoldsLittle() throws Exception {
        byte[] pairs = closeParsePairs();
        floodAndMeasure("Close/Parse pairs behind an unanswered Parse", () -> {
            RawClient raw = loggedIn(PG_DATABASE, USER, PASSWORD);
            raw.message('P', concat(cstring("S_1"), cstring("SELECT 1"), new byte[]{0, 0}));
            raw.message('S', new byte[0]);
            RawLogin.readUntilReady(raw);
            raw.message('P', concat(cstring("S_2"), cstring("SELECT 2"), new byte[]{0, 0})); // no Sync
            return raw;
        }, pairs, () -> {
            try (Connection c = jdbc(DATABASE, USER, PASSWORD, false); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT 41 + 1")) {
                assertTrue(rs.next());
                assertEquals(42, rs.getInt(1));
            }
        });
    }

    /** SHOW after SHOW on the admin console, each answered with a table, none read. */
    @Test
    void showFloodOnTheAdminConsoleStopsBeingReadAndHoldsLittle() throws Exception {
        byte[] shows = repeat(message('Q', cstring("SHOW CLIENTS;")));
        floodAndMeasure("SHOW CLIENTS on the console", () -> loggedIn(CONSOLE, ADMIN, ADMIN_PASSWORD), shows, () -> {
            try (Connection c = jdbc(CONSOLE, ADMIN, ADMIN_PASSWORD, true); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SHOW POOLS")) {
                assertTrue(rs.next(), "SHOW POOLS answers while another console client floods");
            }
        });
    }

    private interface Opener {
        RawClient open() throws Exception;
    }

    private interface Check {
        void run() throws Exception;
    }

    private void floodAndMeasure(String what, Opener opener, byte[] block, Check served) throws Exception {
        floodAndMeasure(what, opener, block, served, false);
    }

    /**
     * A warm-up flood, the baseline, then the flood measured; {@code killAfter}: the session is then ended
     * by an administrator, and its socket must close although the client reads nothing.
     */
    private void floodAndMeasure(String what, Opener opener, byte[] block, Check served, boolean killAfter)
            throws Exception {
        try (RawClient warmUp = opener.open()) {
            flood(warmUp, block, WARM_UP);
        }
        Thread.sleep(1000);
        long before = rss();
        try (RawClient raw = opener.open()) {
            Flood flood = flood(raw, block, FLOOD);
            long accepted = flood.sent.get();
            long growth = rss() - before;
            System.out.printf("%s: the sender blocked after %d MiB; RSS %d MiB before, grew by %d KiB%n",
                    what, accepted / MIB, before / MIB, growth / 1024);
            assertTrue(accepted < MAX_ACCEPTED, "the gateway took " + accepted / MIB
                    + " MiB from a client that reads nothing before the sender blocked (if it did)");
            assertTrue(growth < MAX_GROWTH, "the gateway's RSS grew by " + growth / MIB + " MiB for a client that sent "
                    + accepted / MIB + " MiB and read nothing");
            served.run();
            assertTrue(rss() - before < MAX_GROWTH, "still bounded after serving others");
            if (killAfter) {
                int id = api().get("/api/v1/clients").then().statusCode(200).extract().jsonPath()
                        .getInt("find { it.port == " + raw.socket().getLocalPort() + " }.id");
                api().delete("/api/v1/clients/" + id).then().statusCode(204);
                // Vert.x closes a socket once what was written is flushed, which never happens here.
                flood.writer.join(Duration.ofSeconds(30).toMillis());
                assertTrue(!flood.writer.isAlive() && flood.failure.get() != null,
                        "the gateway closed the connection of the ended session although its client reads nothing");
            }
        }
        served.run();
        assertTrue(gateway.isAlive(), "the gateway is still running; log: " + log);
    }

    /** A flood in progress: what was sent, and the writer, blocked or ended. */
    private record Flood(AtomicLong sent, Thread writer, AtomicReference<IOException> failure) {
    }

    /**
     * Writes {@code block} over and over, never reading, until {@code limit} bytes are out or nothing has
     * been accepted for {@link #STALLED}, and returns then (the writer may still be blocked). A write
     * error before that fails the test (the gateway gave up on the client instead of pausing it).
     */
    private static Flood flood(RawClient raw, byte[] block, long limit) throws Exception {
        AtomicLong sent = new AtomicLong();
        AtomicReference<IOException> failure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                while (sent.get() < limit) {
                    raw.write(block);
                    sent.addAndGet(block.length);
                }
            } catch (IOException e) {
                failure.set(e);
            }
        }, "flood");
        writer.setDaemon(true);
        writer.start();
        long last = -1;
        long lastChange = System.nanoTime();
        while (writer.isAlive() && System.nanoTime() - lastChange < STALLED.toNanos()) {
            Thread.sleep(200);
            long now = sent.get();
            if (now != last) {
                last = now;
                lastChange = System.nanoTime();
            }
        }
        if (failure.get() != null) {
            throw new AssertionError("the flood ended with a write error after " + sent.get() / MIB + " MiB; log: "
                    + log, failure.get());
        }
        return new Flood(sent, writer, failure);
    }

    private static RequestSpecification api() {
        return RestAssured.given().baseUri("http://127.0.0.1").port(httpPort).auth().oauth2(ADMIN_TOKEN_VALUE)
                .contentType(ContentType.JSON);
    }

    private RawClient loggedIn(String database, String user, String password) throws Exception {
        RawClient raw = RawClient.plain(wirePort);
        RawLogin.Result login = RawLogin.login(raw, database, user, password);
        assertTrue(login.ok(), "login: " + login.error());
        RawLogin.readUntilReady(raw);
        return raw;
    }

    private Connection jdbc(String database, String user, String password, boolean simple) throws Exception {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("sslmode", "disable");
        props.setProperty("socketTimeout", "30");
        props.setProperty("connectTimeout", "10");
        if (simple) {
            props.setProperty("preferQueryMode", "simple");
        }
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + wirePort + "/" + database, props);
    }

    /** The gateway's resident memory, from /proc. */
    private static long rss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(gateway.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS for the gateway's process");
    }

    private static byte[] message(char type, byte[] body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(type);
        out.writeInt(4 + body.length);
        out.write(body);
        return bytes.toByteArray();
    }

    private static byte[] cstring(String value) {
        return RawLogin.cstring(value);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            bytes.writeBytes(part);
        }
        return bytes.toByteArray();
    }

    /** {@code unit} repeated to about 64 KiB, written at once. */
    private static byte[] repeat(byte[] unit) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        while (bytes.size() < 64 * 1024) {
            bytes.writeBytes(unit);
        }
        return bytes.toByteArray();
    }

    /** Close and Parse of statement S_1, repeated: answered by the gateway itself once S_1 is prepared. */
    private static byte[] closeParsePairs() throws java.io.IOException {
        return repeat(concat(message('C', concat(new byte[]{'S'}, cstring("S_1"))),
                message('P', concat(cstring("S_1"), cstring("SELECT 1"), new byte[]{0, 0}))));
    }
}
