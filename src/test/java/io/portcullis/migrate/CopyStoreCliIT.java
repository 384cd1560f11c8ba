package io.portcullis.migrate;

import io.portcullis.config.ConfigStore;
import io.portcullis.config.DatabaseConfig;
import io.portcullis.config.FileConfigStore;
import io.portcullis.config.PoolMode;
import io.portcullis.config.SecretBinding;
import io.portcullis.config.SecretBox;
import io.portcullis.config.ServerTls;
import io.portcullis.testing.Backends;
import io.portcullis.testing.PackagedApplication;
import io.portcullis.testing.PostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The packaged app's {@code copy-store} command: the data directory's file store into an empty PostgreSQL table. */
class CopyStoreCliIT {

    private static final PackagedApplication APP = PackagedApplication.built();

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private Run copyStore(Path dataDir, Map<String, String> env) throws Exception {
        List<String> command = APP.command(Map.of("portcullis.data-dir", dataDir.toString()), CopyStoreCommand.NAME);
        Path out = dir.resolve("out-" + System.nanoTime() + ".txt");
        Path err = dir.resolve("err-" + System.nanoTime() + ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(env);
        Process p = builder.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the command exits by itself");
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    /** As {@link PgBouncerImportCliIT}: the stand-in native toolchain's executables exit with a garbage status. */
    private static void assertExit(int expected, Run run) {
        if (!APP.isNative()) {
            assertEquals(expected, run.exit(), run.err());
        }
    }

    @Test
    void copiesTheFileStoreIntoAnEmptyPostgresStoreAndRefusesAFullOne() throws Exception {
        byte[] key = new byte[SecretBox.KEY_BYTES];
        new SecureRandom().nextBytes(key);
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        Files.writeString(data.resolve("secret.key"), Base64.getEncoder().encodeToString(key) + "\n");
        SecretBox secrets = new SecretBox(key, new SecureRandom());
        FileConfigStore file = new FileConfigStore(data, change -> { });
        DatabaseConfig qdb = new DatabaseConfig("qdb", "127.0.0.1", 8812, "qdb", "admin", null, ServerTls.DISABLE,
                PoolMode.SESSION, 20, 0, 0, 0);
        file.update(ConfigStore.ANY_VERSION, c -> c.withDatabase(
                qdb.withSealedPassword(secrets.seal("quest-secret", SecretBinding.backendPassword(qdb)))));
        file.update(ConfigStore.ANY_VERSION, c -> c.withDatabase(new DatabaseConfig("other", "127.0.0.1", 8812, "qdb",
                "user", null, ServerTls.DISABLE, PoolMode.TRANSACTION, 5, 0, 0, 0)));
        byte[] document = Files.readAllBytes(data.resolve(FileConfigStore.CONFIG_FILE));

        PostgresServer pg = Backends.postgres();
        String table = "copy_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        Map<String, String> target = Map.of("PORTCULLIS_CONFIG_POSTGRESQL_URL", pg.jdbcUrl(pg.database()),
                "PORTCULLIS_CONFIG_POSTGRESQL_USERNAME", pg.scramUser(),
                "PORTCULLIS_CONFIG_POSTGRESQL_PASSWORD", pg.scramPassword(),
                "PORTCULLIS_CONFIG_POSTGRESQL_TABLE", table);

        Run copied = copyStore(data, target);
        assertExit(CopyStoreCommand.OK, copied);
        assertTrue(copied.out().contains("Copied configuration version 2 (2 databases"), copied.out() + copied.err());
        assertFalse((copied.out() + copied.err()).contains("quest-secret") || (copied.out() + copied.err()).contains(pg.scramPassword())
                || (copied.out() + copied.err()).contains(Base64.getEncoder().encodeToString(key)), "no secret printed");

        // The replicas' own environment selects the PostgreSQL store: the command still only copies, and its start
        // writes nothing there (no admin token is bootstrapped into the target).
        Map<String, String> replicaEnv = new java.util.HashMap<>(target);
        replicaEnv.put("PORTCULLIS_CONFIG_STORE", "postgresql");
        Run again = copyStore(data, replicaEnv);
        assertExit(CopyStoreCommand.NOT_EMPTY, again);
        assertTrue(again.err().contains("already holds configuration version 2"), again.err());
        assertEquals("", again.out());

        try (Connection c = pg.connect(pg.database(), pg.scramUser(), pg.scramPassword()); Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT version, document FROM " + table)) {
            assertTrue(rows.next());
            assertEquals(2, rows.getLong(1));
            assertArrayEquals(document, rows.getString(2).getBytes(StandardCharsets.UTF_8), "the file's document");
            assertFalse(rows.next(), "one row: the refused run and the starts wrote nothing");
        }
        assertArrayEquals(document, Files.readAllBytes(data.resolve(FileConfigStore.CONFIG_FILE)),
                "the command's start did not write the file store");
    }
}
