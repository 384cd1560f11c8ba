package io.portcullis.pool;

import io.portcullis.testing.Backends;
import io.portcullis.testing.FreePorts;
import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.PostgresServer;
import io.portcullis.testing.PostgresStandby;
import io.portcullis.testing.QuestDbServer;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several hosts per database on a real PostgreSQL primary and its streaming standby (made with pg_basebackup),
 * through the gateway with pgJDBC: targetSessionAttrs picks the primary or the standby, the order and the random
 * spread of loadBalanceHosts, a closed port skipped, and the primary stopped (last): read-write logins fail with
 * an error that says no host matched, any goes on to the standby, and the idle connections to the stopped primary
 * are dropped. Also what QuestDB allows (it is never a standby and has no transaction_read_only).
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostListTest {

    private static final String USER = "hosts_user";
    private static final String PASSWORD = "hosts-pass";
    private static final String ADMIN = "hosts_admin";
    private static final List<String> DATABASES = List.of("hl_rw", "hl_ro", "hl_standby", "hl_primary", "hl_prefer",
            "hl_any", "hl_random", "hl_q_rw", "hl_q_primary", "hl_q_standby", "hl_q_prefer-standby");

    private static PostgresServer primary;
    private static PostgresStandby standby;
    private static int closedPort;

    @Inject
    PoolManager pools;

    @BeforeAll
    static void start() {
        primary = PostgresServer.start(Path.of("target", "host-list", "primary"));
        standby = PostgresStandby.of(primary, Path.of("target", "host-list", "standby"));
        closedPort = FreePorts.next();
        String p = primary.host() + ":" + primary.port();
        String s = standby.host() + ":" + standby.port();
        String closed = "127.0.0.1:" + closedPort;
        putPostgres("hl_rw", List.of(closed, s, p), "read-write", null, 5);
        putPostgres("hl_ro", List.of(p, s), "read-only", null, 5);
        putPostgres("hl_standby", List.of(p, s), "standby", null, 5);
        putPostgres("hl_primary", List.of(s, p), "primary", null, 5);
        putPostgres("hl_prefer", List.of(p, s), "prefer-standby", null, 5);
        putPostgres("hl_any", List.of(p, s), null, null, 5);
        putPostgres("hl_random", List.of(p, s), null, "random", 20);
        QuestDbServer questdb = Backends.questdb();
        String q = questdb.host() + ":" + questdb.pgPort();
        for (String attrs : List.of("read-write", "primary", "standby", "prefer-standby")) {
            GatewayClient.putDatabase("hl_q_" + attrs.replace("read-write", "rw"), Map.of("hosts", List.of(q),
                    "user", questdb.user(), "password", questdb.password(), "dbname", questdb.database(),
                    "targetSessionAttrs", attrs));
        }
        GatewayClient.putUser(USER, Map.of("password", PASSWORD));
        GatewayClient.putUser(ADMIN, Map.of("password", PASSWORD, "admin", true));
    }

    private static void putPostgres(String name, List<String> hosts, String attrs, String balance, int poolSize) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("hosts", hosts);
        body.put("dbname", PostgresServer.DATABASE);
        body.put("user", PostgresServer.SCRAM_USER);
        body.put("password", PostgresServer.SCRAM_PASSWORD);
        body.put("poolSize", poolSize);
        if (attrs != null) {
            body.put("targetSessionAttrs", attrs);
        }
        if (balance != null) {
            body.put("loadBalanceHosts", balance);
        }
        GatewayClient.putDatabase(name, body);
    }

    @AfterAll
    static void stop() {
        DATABASES.forEach(GatewayClient::deleteDatabase);
        if (standby != null) {
            standby.close();
        }
        if (primary != null) {
            primary.close();
        }
    }

    /** The backend port the session reached, and whether that backend is in recovery. */
    private static int[] reached(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT inet_server_port(), pg_is_in_recovery()")) {
            assertTrue(rs.next());
            return new int[] {rs.getInt(1), rs.getBoolean(2) ? 1 : 0};
        }
    }

    private static int[] reached(String database) throws SQLException {
        try (Connection c = GatewayClient.connect(database, USER, PASSWORD)) {
            return reached(c);
        }
    }

    @Test
    @Order(1)
    void readWriteSkipsAClosedPortAndTheStandbyToReachThePrimary() throws SQLException {
        assertEquals(primary.port(), reached("hl_rw")[0]);
        assertEquals(0, reached("hl_rw")[1], "pg_is_in_recovery() is false on the primary");
    }

    @Test
    @Order(2)
    void readOnlyStandbyAndPreferStandbyReachTheStandby() throws SQLException {
        for (String db : List.of("hl_ro", "hl_standby", "hl_prefer")) {
            int[] at = reached(db);
            assertEquals(standby.port(), at[0], db);
            assertEquals(1, at[1], db + ": pg_is_in_recovery() is true on the standby");
        }
    }

    @Test
    @Order(3)
    void primarySkipsTheStandbyListedFirstAndAnyTakesTheFirstHost() throws SQLException {
        assertEquals(primary.port(), reached("hl_primary")[0]);
        for (int i = 0; i < 3; i++) {
            assertEquals(primary.port(), reached("hl_any")[0], "disable: the order listed");
        }
    }

    @Test
    @Order(4)
    void randomSpreadsNewServerConnectionsOverBothHosts() throws SQLException {
        List<Connection> open = new ArrayList<>();
        Set<Integer> ports = new HashSet<>();
        try {
            for (int i = 0; i < 16; i++) { // session pooling: each open client holds a server connection of its own
                Connection c = GatewayClient.connect("hl_random", USER, PASSWORD);
                open.add(c);
                ports.add(reached(c)[0]);
            }
        } finally {
            for (Connection c : open) {
                c.close();
            }
        }
        assertEquals(Set.of(primary.port(), standby.port()), ports, "16 new server connections, both hosts seen");
        Set<Integer> shown = new HashSet<>();
        pools.views().stream().filter(v -> v.database().equals("hl_random"))
                .forEach(v -> v.servers().forEach(server -> shown.add(server.port())));
        assertEquals(Set.of(primary.port(), standby.port()), shown, "SHOW SERVERS shows the host each connection went to");
    }

    @Test
    @Order(5)
    void theConsoleShowsTheListAndTheHostEachServerConnectionWentTo() throws SQLException {
        try (Connection held = GatewayClient.connect("hl_ro", USER, PASSWORD);
             Connection console = GatewayClient.connect("pgbouncer", ADMIN, PASSWORD, Map.of("preferQueryMode", "simple"))) {
            assertEquals(standby.port(), reached(held)[0]);
            Map<String, String> random = io.portcullis.testing.ResultRows.of(console, "SHOW DATABASES").stream()
                    .filter(r -> r.get("name").equals("hl_random")).findFirst().orElseThrow();
            assertEquals(primary.host() + ":" + primary.port() + "," + standby.host() + ":" + standby.port(),
                    random.get("host"), "ports differ: each host with its port");
            assertEquals(Integer.toString(primary.port()), random.get("port"));
            assertEquals("random", random.get("load_balance_hosts"));
            List<Map<String, String>> servers = io.portcullis.testing.ResultRows.of(console, "SHOW SERVERS").stream()
                    .filter(r -> r.get("database").equals("hl_ro")).toList();
            assertFalse(servers.isEmpty());
            servers.forEach(r -> assertEquals(Integer.toString(standby.port()), r.get("port"), r.toString()));
        }
    }

    @Test
    @Order(6)
    void questDbHasNoTransactionReadOnlyAndIsNeverAStandby() throws SQLException {
        for (String db : List.of("hl_q_primary", "hl_q_prefer-standby")) { // prefer-standby: no standby, so any
            try (Connection c = GatewayClient.connect(db, USER, PASSWORD); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT 1")) {
                assertTrue(rs.next(), db);
            }
        }
        SQLException rw = assertThrows(SQLException.class, () -> query("hl_q_rw"));
        assertTrue(rw.getMessage().contains("targetSessionAttrs=read-write") && rw.getMessage().contains("transaction_read_only"),
                rw.getMessage());
        SQLException standbyOnly = assertThrows(SQLException.class, () -> query("hl_q_standby"));
        assertTrue(standbyOnly.getMessage().contains("it is not a standby"), standbyOnly.getMessage());
    }

    private static void query(String database) throws SQLException {
        try (Connection c = GatewayClient.connect(database, USER, PASSWORD); Statement s = c.createStatement()) {
            s.executeQuery("SELECT 1").close();
        }
    }

    @Test
    @Order(7)
    void thePrimaryStoppedReadWriteFailsClearlyAnyGoesOnAndItsIdleConnectionsAreDropped() throws Exception {
        assertEquals(primary.port(), reached("hl_any")[0]);
        assertTrue(serversOf("hl_any").contains(primary.port()), "an idle connection to the primary in the pool");

        primary.close();
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (serversOf("hl_any").contains(primary.port()) || serversOf("hl_rw").contains(primary.port())) {
            assertTrue(System.nanoTime() < deadline, "idle connections to the stopped primary are dropped");
            Thread.sleep(100);
        }

        SQLException e = assertThrows(SQLException.class, () -> query("hl_rw"));
        assertEquals("08001", e.getSQLState(), e.getMessage());
        assertTrue(e.getMessage().contains("no host of database \"hl_rw\" matched targetSessionAttrs=read-write"),
                e.getMessage());
        assertTrue(e.getMessage().contains("read-only (transaction_read_only = on)"), e.getMessage());

        int[] at = reached("hl_any");
        assertEquals(standby.port(), at[0], "any goes on, to the standby");
        assertEquals(1, at[1]);
        assertFalse(serversOf("hl_any").contains(primary.port()));
    }

    private List<Integer> serversOf(String database) {
        List<Integer> ports = new ArrayList<>();
        pools.views().stream().filter(v -> v.database().equals(database))
                .forEach(v -> v.servers().forEach(server -> ports.add(server.port())));
        return ports;
    }
}
