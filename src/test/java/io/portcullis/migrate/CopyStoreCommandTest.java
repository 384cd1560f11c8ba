package io.portcullis.migrate;

import io.portcullis.config.ConfigStore;
import io.portcullis.config.DatabaseConfig;
import io.portcullis.config.FileConfigStore;
import io.portcullis.config.GatewayConfig;
import io.portcullis.config.PoolMode;
import io.portcullis.config.PostgresConfigStore;
import io.portcullis.config.PostgresStoreSettings;
import io.portcullis.config.SecretBinding;
import io.portcullis.config.SecretBox;
import io.portcullis.config.ServerTls;
import io.portcullis.config.SettingNames;
import io.portcullis.testing.Backends;
import io.portcullis.testing.PostgresServer;
import io.portcullis.testing.TestPki;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code copy-store} against a real PostgreSQL, the command called directly with the properties a process would
 * have. Each test uses a table of its own.
 */
class CopyStoreCommandTest {

    private static final String BACKEND_PASSWORD = "quest-backend-secret";

    private final PostgresServer pg = Backends.postgres();
    private final String table = "copy_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    @TempDir
    Path dataDir;

    private record Run(int exit, String out, String err) {
    }

    private static SecretBox box(int fill) {
        byte[] key = new byte[SecretBox.KEY_BYTES];
        Arrays.fill(key, (byte) fill);
        return new SecretBox(key, new SecureRandom());
    }

    private Map<String, String> properties() {
        Map<String, String> properties = new HashMap<>();
        properties.put(SettingNames.DATA_DIR, dataDir.toString());
        properties.put(SettingNames.POSTGRESQL_URL, pg.jdbcUrl(pg.database()));
        properties.put(SettingNames.POSTGRESQL_USERNAME, pg.scramUser());
        properties.put(SettingNames.POSTGRESQL_PASSWORD, pg.scramPassword());
        properties.put(SettingNames.POSTGRESQL_TABLE, table);
        return properties;
    }

    private static Run run(SecretBox secrets, Map<String, String> properties, String... args) {
        Config config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(properties, "test", 500)).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new CopyStoreCommand(secrets, config).run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A file store at version 3 with a backend password sealed by {@code secrets}. */
    private GatewayConfig fileStore(SecretBox secrets) {
        FileConfigStore store = new FileConfigStore(dataDir, change -> { });
        DatabaseConfig orders = new DatabaseConfig("orders", "127.0.0.1", 8812, "qdb", "admin", null, ServerTls.DISABLE,
                PoolMode.SESSION, 20, 0, 0, 0);
        store.update(ConfigStore.ANY_VERSION, c -> c.withDatabase(
                orders.withSealedPassword(secrets.seal(BACKEND_PASSWORD, SecretBinding.backendPassword(orders)))));
        store.update(ConfigStore.ANY_VERSION, c -> c.withDatabase(new DatabaseConfig("reports", "127.0.0.1", 8812, "qdb",
                "user", null, ServerTls.DISABLE, PoolMode.TRANSACTION, 5, 0, 0, 0)));
        return store.update(ConfigStore.ANY_VERSION, c -> c.withDatabase(c.database("reports").orElseThrow()
                .withSealedPassword(secrets.seal("reports-pw", SecretBinding.backendPassword(c.database("reports").orElseThrow())))));
    }

    @Test
    void copiesTheDataDirectorysFileStoreIntoAnEmptyTableOnceKeepingItsVersion() throws Exception {
        SecretBox secrets = box(7);
        GatewayConfig written = fileStore(secrets);
        assertEquals(3, written.version());

        Run copied = run(secrets, properties(), CopyStoreCommand.NAME);
        assertEquals(CopyStoreCommand.OK, copied.exit(), copied.err());
        assertTrue(copied.out().contains("version 3") && copied.out().contains(table), copied.out());
        assertTrue(copied.out().contains("key file " + dataDir.resolve("secret.key").toAbsolutePath()), copied.out());
        assertFalse(copied.out().contains(pg.scramPassword()) || copied.out().contains(BACKEND_PASSWORD), copied.out());
        try (Connection c = pg.connect(pg.database(), pg.scramUser(), pg.scramPassword()); Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT version, document, writer FROM " + table)) {
            assertTrue(rows.next());
            assertEquals(3, rows.getLong(1), "the file's version is kept");
            assertArrayEquals(Files.readAllBytes(dataDir.resolve(FileConfigStore.CONFIG_FILE)),
                    rows.getString(2).getBytes(StandardCharsets.UTF_8), "the stored document is the file's, byte for byte");
            assertTrue(rows.getString(3).endsWith("copy-store"), rows.getString(3));
            assertFalse(rows.next(), "one row");
        }
        try (PostgresConfigStore replica = new PostgresConfigStore(new PostgresStoreSettings(pg.jdbcUrl(pg.database()),
                Optional.of(pg.scramUser()), Optional.of(pg.scramPassword()), table, Duration.ofHours(1)), change -> { })) {
            assertEquals(written, replica.current(), "a replica loads what the file store held");
            DatabaseConfig orders = replica.current().database("orders").orElseThrow();
            assertEquals(BACKEND_PASSWORD, secrets.open(orders.sealedPassword(), SecretBinding.backendPassword(orders)));
            assertEquals(4, replica.update(3, c -> c.withoutDatabase("reports")).version(), "replicas write on from it");
        }

        Run again = run(secrets, properties());
        assertEquals(CopyStoreCommand.NOT_EMPTY, again.exit(), again.err());
        assertTrue(again.err().contains("already holds configuration version 4"), again.err());
        assertEquals("", again.out());
        assertEquals(2, count(), "the refused copy wrote nothing");
    }

    @Test
    void refusesSecretsTheKeyDoesNotOpenAndSaysWhereTheKeyCameFrom() throws Exception {
        fileStore(box(7));
        Map<String, String> properties = properties();
        properties.put(SettingNames.SECRET_KEY, "c2VjcmV0LWtleS1ub3QtcHJpbnRlZC0zMi1ieXRlcyE=");
        Run run = run(box(8), properties);
        assertEquals(CopyStoreCommand.WRONG_KEY, run.exit(), run.err());
        assertTrue(run.err().contains("orders") && run.err().contains("reports"), run.err());
        assertTrue(run.err().contains(SettingNames.SECRET_KEY + " (env PORTCULLIS_SECRET_KEY)"), run.err());
        assertTrue(run.err().contains("PORTCULLIS_DATA_DIR"), run.err());
        assertFalse(run.err().contains("c2VjcmV0LWtleS1ub3QtcHJpbnRlZC0zMi1ieXRlcyE=") || run.err().contains(BACKEND_PASSWORD),
                run.err());
        assertEquals("", run.out());
        assertEquals(0, count(), "nothing stored");
    }

    /** The stored server certificate's key is a sealed secret too: the replicas could not serve it with another key. */
    @Test
    void refusesAStoredCertificateKeyTheKeyDoesNotOpen() throws Exception {
        SecretBox sealedWith = box(7);
        TestPki.Issued issued = TestPki.selfSignedRsa("gateway.example");
        String fingerprint = HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(issued.certificate().getEncoded()));
        new FileConfigStore(dataDir, change -> { }).update(ConfigStore.ANY_VERSION, c -> c.withTls(c.tls().withCertificate(
                issued.certificatePem(), fingerprint, sealedWith.seal(keyPem(issued), SecretBinding.listenerKey(fingerprint)))));

        Run wrongKey = run(box(8), properties());
        assertEquals(CopyStoreCommand.WRONG_KEY, wrongKey.exit(), wrongKey.err());
        assertEquals(0, count(), "nothing stored");
        Run rightKey = run(sealedWith, properties());
        assertEquals(CopyStoreCommand.OK, rightKey.exit(), rightKey.err());
    }

    private static String keyPem(TestPki.Issued issued) {
        try {
            return issued.keyPem();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void refusesAMissingOrInvalidFileBadArgumentsAndNoTarget() throws Exception {
        SecretBox secrets = box(7);
        Run missing = run(secrets, properties());
        assertEquals(CopyStoreCommand.UNREADABLE, missing.exit(), missing.err());
        assertTrue(missing.err().contains("config.json does not exist"), missing.err());

        Path invalid = dataDir.resolve("hand-edited.json");
        Files.writeString(invalid, "{\"format\": 1, \"config\": {\"version\": 2, \"databases\": [");
        Run broken = run(secrets, properties(), "--from", invalid.toString());
        assertEquals(CopyStoreCommand.UNREADABLE, broken.exit(), broken.err());
        assertTrue(broken.err().contains("hand-edited.json is not a valid configuration"), broken.err());

        Run usage = run(secrets, properties(), "--to", "x");
        assertEquals(CopyStoreCommand.USAGE, usage.exit(), usage.err());
        assertTrue(usage.err().contains("unknown argument '--to'") && usage.err().contains("usage: copy-store"), usage.err());

        fileStore(secrets);
        Map<String, String> noUrl = properties();
        noUrl.remove(SettingNames.POSTGRESQL_URL);
        Run noTarget = run(secrets, noUrl);
        assertEquals(CopyStoreCommand.USAGE, noTarget.exit(), noTarget.err());
        assertTrue(noTarget.err().contains("no target; set " + SettingNames.POSTGRESQL_URL), noTarget.err());

        Map<String, String> wrongPassword = properties();
        wrongPassword.put(SettingNames.POSTGRESQL_PASSWORD, "not-the-password");
        Run refused = run(secrets, wrongPassword);
        assertEquals(CopyStoreCommand.UNAVAILABLE, refused.exit(), refused.err());
        assertTrue(refused.err().contains("28P01") && !refused.err().contains("not-the-password"), refused.err());
    }

    /** Rows in the test's table; 0 when it was never created. */
    private int count() throws Exception {
        try (Connection c = pg.connect(pg.database(), pg.scramUser(), pg.scramPassword()); Statement s = c.createStatement()) {
            try (ResultSet exists = s.executeQuery("SELECT to_regclass('" + table + "') IS NOT NULL")) {
                exists.next();
                if (!exists.getBoolean(1)) {
                    return 0;
                }
            }
            try (ResultSet rows = s.executeQuery("SELECT count(*) FROM " + table)) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }
}
