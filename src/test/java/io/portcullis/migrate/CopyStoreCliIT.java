package io.portcullis.migrate;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.ArrayList;
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

    private Run copyStore(Path dataDir, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(APP.command(Map.of("portcullis.data-dir", dataDir.toString()), CopyStoreCommand.NAME));
        command.addAll(List.of(args));
        Path out = dir.resolve("out-" + System.nanoTime() + ".txt");
        Path err = dir.resolve("err-" + System.nanoTime() + ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(env);
        Process p = builder.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the command exits by itself");
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private static long versionOf(byte[] document) {
        try {
            return new ObjectMapper().readTree(document).path("config").path("version").asLong();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
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
        PostgresServer pg = Backends.postgres();
        String table = "copy_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        Map<String, String> target = Map.of("PORTCULLIS_CONFIG_POSTGRESQL_URL", pg.jdbcUrl(pg.database()),
                "PORTCULLIS_CONFIG_POSTGRESQL_USERNAME", pg.scramUser(),
                "PORTCULLIS_CONFIG_POSTGRESQL_PASSWORD", pg.scramPassword(),
                "PORTCULLIS_CONFIG_POSTGRESQL_TABLE", table);

        // The start is a gateway start on the file store: it adds what every start adds (an admin token, as this
        // store has none; the data directory's new certificate), and the result is what is copied.
        Run copied = copyStore(data, target);
        assertExit(CopyStoreCommand.OK, copied);
        byte[] document = Files.readAllBytes(data.resolve(FileConfigStore.CONFIG_FILE));
        long version = versionOf(document);
        assertTrue(version > 2, "the start wrote its versions to the file store first: " + version);
        assertTrue(copied.out().contains("Copied configuration version " + version + " (2 databases"), copied.out() + copied.err());
        assertTrue(new String(document, StandardCharsets.UTF_8).contains("BEGIN CERTIFICATE"),
                "the data directory's certificate moved into config.json before the copy");
        assertFalse((copied.out() + copied.err()).contains("quest-secret") || (copied.out() + copied.err()).contains(pg.scramPassword())
                || (copied.out() + copied.err()).contains(Base64.getEncoder().encodeToString(key)), "no secret printed");

        // The replicas' own environment selects the PostgreSQL store: the command still only copies, and its start
        // writes nothing there (no admin token is bootstrapped into the target).
        Map<String, String> replicaEnv = new java.util.HashMap<>(target);
        replicaEnv.put("PORTCULLIS_CONFIG_STORE", "postgresql");
        Run again = copyStore(data, replicaEnv);
        assertExit(CopyStoreCommand.NOT_EMPTY, again);
        assertTrue(again.err().contains("already holds configuration version " + version), again.err());
        assertEquals("", again.out());
        assertArrayEquals(document, Files.readAllBytes(data.resolve(FileConfigStore.CONFIG_FILE)), "nothing left to add");

        try (Connection c = pg.connect(pg.database(), pg.scramUser(), pg.scramPassword()); Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT version, document FROM " + table)) {
            assertTrue(rows.next());
            assertEquals(version, rows.getLong(1));
            assertArrayEquals(document, rows.getString(2).getBytes(StandardCharsets.UTF_8), "the file's document");
            assertFalse(rows.next(), "one row: the refused run and the starts wrote nothing");
        }

        // --from with a data directory that holds no configuration: its start makes none there, and the certificate
        // it generates there stays there with its key (not moved into a store that is thrown away); the secret key
        // comes from the environment.
        Path other = dir.resolve("other");
        Map<String, String> fromEnv = new java.util.HashMap<>(target);
        fromEnv.put("PORTCULLIS_CONFIG_POSTGRESQL_TABLE", table + "_b");
        fromEnv.put("PORTCULLIS_SECRET_KEY", Base64.getEncoder().encodeToString(key));
        Run fromFile = copyStore(other, fromEnv, "--from", data.resolve(FileConfigStore.CONFIG_FILE).toString());
        assertTrue(fromFile.out().contains("Copied configuration version " + version), fromFile.out() + fromFile.err());
        assertTrue(fromFile.out().contains("portcullis.secret-key (env PORTCULLIS_SECRET_KEY)"), fromFile.out());
        assertFalse(Files.exists(other.resolve(FileConfigStore.CONFIG_FILE)), "no configuration made in " + other);
        assertTrue(Files.exists(other.resolve("tls").resolve("server.key")), "the key stays");
        assertFalse(fromFile.err().contains("Generated the admin API token"), fromFile.err());
    }
}
