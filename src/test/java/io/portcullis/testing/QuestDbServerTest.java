package io.portcullis.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fault-test controls of {@link QuestDbServer}, on a private server (never kill the shared one). */
class QuestDbServerTest {

    private static QuestDbServer server;

    @BeforeAll
    static void startPrivateServer() {
        server = Backends.newQuestDb("questdb-fault-controls");
    }

    @AfterAll
    static void stopPrivateServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void writesQuietLoggingAndLoopbackBindings() throws Exception {
        String conf = Files.readString(server.workDir().resolve("conf/server.conf"));
        assertTrue(conf.contains("pg.net.bind.to=127.0.0.1:" + server.pgPort()), conf);
        assertTrue(conf.contains("http.net.bind.to=127.0.0.1:" + server.httpPort()), conf);
        assertTrue(conf.contains("telemetry.enabled=false"), conf);
        try (Connection c = server.connect()) {
            count(c, "SELECT 1");
        }
        assertFalse(Files.readString(server.logFile()).contains("SELECT 1"), "queries are not logged");
    }

    @Test
    void killDropsConnectionsAndRestartKeepsPortAndData() throws SQLException {
        int port = server.pgPort();
        try (Connection c = server.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS survivors (x INT)");
            s.execute("INSERT INTO survivors VALUES (1)");
        }
        try (Connection open = server.connect()) {
            server.kill();
            assertFalse(server.isRunning());
            assertThrows(SQLException.class, () -> count(open, "SELECT 1"));
            assertThrows(SQLException.class, () -> server.connect().close());
        }

        server.restart();

        assertTrue(server.isRunning());
        assertEquals(port, server.pgPort());
        try (Connection c = server.connect()) {
            assertEquals(1, count(c, "SELECT count() FROM survivors"));
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next());
            return rs.getLong(1);
        }
    }
}
