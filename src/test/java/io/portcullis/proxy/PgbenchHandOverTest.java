package io.portcullis.proxy;

import io.portcullis.testing.Backends;
import io.portcullis.testing.GatewayClient;
import io.portcullis.testing.QuestDbServer;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * pgbench {@code -M prepared} names its statements P_0, P_1, ... in every client. Behind PgBouncer,
 * QuestDB keeps them across clients and the second run executes the first run's statement. Here two
 * runs in a row share one pooled server connection; the second checks every result it gets.
 */
@QuarkusTest
class PgbenchHandOverTest {

    static final String DB = "bench_one";
    static final String USER = "bencher";
    static final String PASSWORD = "bench-pass";

    @BeforeAll
    static void configure() {
        QuestDbServer questdb = Backends.questdb();
        GatewayClient.putDatabase(DB, Map.of("host", questdb.host(), "port", questdb.pgPort(),
                "user", questdb.user(), "password", questdb.password(), "poolSize", 1));
        GatewayClient.putUser(USER, Map.of("password", PASSWORD));
    }

    /** A script whose one statement must answer {@code value}; any other answer aborts the client. */
    private static Path script(int value) throws IOException {
        Path file = Files.createTempFile("pgbench-", ".sql");
        Files.writeString(file, "SELECT " + value + " AS v \\gset\n"
                + "\\if :v != " + value + "\n"
                + "SELECT * FROM statement_of_another_client_was_executed;\n"
                + "\\endif\n");
        return file;
    }

    private static String pgbench(Path script) throws Exception {
        String uri = "postgresql://" + USER + ":" + PASSWORD + "@127.0.0.1:" + GatewayClient.gatewayPort() + "/" + DB
                + "?sslmode=require";
        Process p = new ProcessBuilder(List.of("pgbench", "-n", "-M", "prepared", "-c", "1", "-t", "20",
                "-f", script.toString(), uri)).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "pgbench finished");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void preparedStatementsOfOneRunNeverServeTheNext() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/pgbench")), "pgbench not installed");
        for (int value : new int[]{11, 22, 33}) {
            String out = pgbench(script(value));
            assertTrue(out.contains("number of transactions actually processed: 20/20"), out);
            assertTrue(out.contains("number of failed transactions: 0") || !out.contains("failed"), out);
        }
    }
}
