package io.portcullis.migrate;

import io.portcullis.config.RuntimeSettings;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.config.AuthMethod;
import io.portcullis.config.ConfigStore;
import io.portcullis.config.DatabaseConfig;
import io.portcullis.config.FileConfigStore;
import io.portcullis.config.GatewayConfig;
import io.portcullis.config.PoolMode;
import io.portcullis.config.SecretBinding;
import io.portcullis.config.SecretBox;
import io.portcullis.config.ServerTls;
import io.portcullis.config.SettingsConfig;
import io.portcullis.config.UserConfig;
import io.portcullis.testing.TestPki;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PgBouncerImporter} and {@link ImportPgBouncerCommand} against a real file store: what the
 * importer adds to the mapping (the userlist {@code auth_file} names, unused includes, settings, the
 * merge with what is already stored).
 */
class PgBouncerImporterTest {

    @TempDir
    Path dir;

    private ConfigStore store;
    private SecretBox box;
    private PgBouncerImporter importer;

    @BeforeEach
    void setUp() {
        store = new FileConfigStore(dir.resolve("data"), change -> { });
        box = new SecretBox(new byte[SecretBox.KEY_BYTES], new SecureRandom());
        importer = new PgBouncerImporter(store, box, 4096);
    }

    private static String where(UnmappedLine u) {
        return u.file() + ":" + u.line() + ":" + u.key();
    }

    @Test
    void includesNoLineNamesAreReportedAsUnused() {
        ImportReport report = importer.run(ImportSources.sent("[databases]\n%include conf.d/dbs.ini\n", null,
                Map.of("conf.d/dbs.ini", "a = host=h user=u password=p\n", "./conf.d/dbs.ini", "", "spare.ini", "")), true);
        assertEquals(List.of("./conf.d/dbs.ini:0:%include", "spare.ini:0:%include"),
                report.unmapped().stream().map(PgBouncerImporterTest::where).toList());
        assertTrue(report.unmapped().get(1).reason().startsWith("sent as an include, but no %include line and no "
                + "server_tls_*_file setting names it"), report.unmapped().get(1).reason());
        assertEquals(List.of("a"), report.created().databases());
    }

    /** The files server_tls_*_file names are read through the same resolver as %include files: used, not "unused". */
    @Test
    void backendTlsFilesSentAsIncludesAreUsedAndNotReportedAsUnused() throws Exception {
        TestPki.Issued ca = TestPki.ca("Backend CA");
        TestPki.Issued client = TestPki.client(ca, "svc");
        String ini = "[databases]\n%include conf.d/dbs.ini\n[pgbouncer]\nserver_tls_sslmode = verify-full\n"
                + "server_tls_ca_file = /etc/pgbouncer/ca.crt\nserver_tls_cert_file = /etc/pgbouncer/client.crt\n"
                + "server_tls_key_file = /etc/pgbouncer/client.key\n";
        ImportReport report = importer.run(ImportSources.sent(ini, null, Map.of(
                "conf.d/dbs.ini", "a = host=db.internal user=svc password=p\n", "spare.ini", "",
                "/etc/pgbouncer/ca.crt", ca.certificatePem(), "/etc/pgbouncer/client.crt", client.certificatePem(),
                "/etc/pgbouncer/client.key", client.keyPem())), false);
        assertEquals(List.of("spare.ini:0:%include"), report.unmapped().stream().map(PgBouncerImporterTest::where).toList());
        DatabaseConfig a = store.current().database("a").orElseThrow();
        assertEquals(ServerTls.VERIFY_FULL, a.serverTls());
        assertTrue(a.serverCa().contains("BEGIN CERTIFICATE"));
        assertTrue(a.serverCertificate().contains("BEGIN CERTIFICATE"));
        assertTrue(box.open(a.sealedServerKey(), SecretBinding.serverKey(a)).contains("PRIVATE KEY"), "sealed for 'a'");

        ImportReport unread = importer.run(ImportSources.sent("[pgbouncer]\nserver_tls_ca_file = /etc/pgbouncer/ca.crt\n",
                null, Map.of("/etc/pgbouncer/ca.crt", ca.certificatePem())), true);
        assertEquals(List.of("pgbouncer.ini:2:server_tls_ca_file"), unread.unmapped().stream()
                .map(PgBouncerImporterTest::where).toList(), "named but not read (sslmode disable): reported on its line only");

        Path etc = Files.createDirectories(dir.resolve("etc"));
        Files.writeString(etc.resolve("pgbouncer.ini"), "[databases]\nb = host=db.internal user=svc password=p\n"
                + "[pgbouncer]\nserver_tls_sslmode = verify-ca\nserver_tls_ca_file = ca.crt\n");
        Files.writeString(etc.resolve("ca.crt"), ca.certificatePem());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new ImportPgBouncerCommand(importer, new ObjectMapper()).run(new String[] {"--ini",
                etc.resolve("pgbouncer.ini").toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
        assertTrue(store.current().database("b").orElseThrow().serverCa().contains("BEGIN CERTIFICATE"),
                "the command line reads ca.crt next to pgbouncer.ini: " + out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theApiSaysWhenAuthFileContentWasNotSent() {
        ImportReport report = importer.run(ImportSources.sent("[pgbouncer]\nauth_file = /etc/pgbouncer/userlist.txt\n",
                null, null), true);
        assertEquals(List.of(), report.created().users());
        UnmappedLine line = report.unmapped().get(0);
        assertEquals("pgbouncer.ini:2:auth_file", where(line));
        assertEquals("the content of /etc/pgbouncer/userlist.txt was not sent (\"userlist\"), and the API does not read "
                + "files on the server; no users were imported", line.reason());
    }

    @Test
    void theCommandLineReadsTheAuthFileWhenNoUserlistIsGiven() throws Exception {
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Files.writeString(etc.resolve("pgbouncer.ini"), "[pgbouncer]\nauth_file = users.txt\nauth_type = scram-sha-256\n");
        Files.writeString(etc.resolve("users.txt"), "\"alice\" \"alice-secret\"\n\"bob\" \"md50b9789f4aeea4f6c7edf16192882e9aa\"\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new ImportPgBouncerCommand(importer, new ObjectMapper()).run(new String[] {"import-pgbouncer", "--ini",
                etc.resolve("pgbouncer.ini").toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
        assertEquals(AuthMethod.SCRAM_SHA_256, store.current().user("alice").orElseThrow().auth(),
                "users.txt, found next to pgbouncer.ini");
        String report = out.toString(StandardCharsets.UTF_8);
        assertTrue(report.contains("\"file\" : \"users.txt\"") && report.contains("\"key\" : \"bob\""),
                "findings name the auth_file as written: " + report);

        Files.writeString(etc.resolve("pgbouncer.ini"), "[pgbouncer]\nauth_file = /nonexistent/userlist.txt\n");
        out.reset();
        exit = new ImportPgBouncerCommand(importer, new ObjectMapper()).run(new String[] {"--ini",
                etc.resolve("pgbouncer.ini").toString(), "--dry-run"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, exit);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("/nonexistent/userlist.txt does not exist (give the "
                + "userlist with --userlist); no users were imported"), out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anImportOfSettingsAloneIsStored() {
        long before = store.current().version();
        ImportReport report = importer.run(ImportSources.sent("[pgbouncer]\nmax_client_conn = 300\nquery_timeout = 30\n",
                null, null), false);
        assertEquals(before + 1, store.current().version(), "stored, though no database or user came with it");
        assertEquals(300, store.current().settings().get(RuntimeSettings.MAX_CLIENT_CONNECTIONS));
        assertEquals(Duration.ofSeconds(30), store.current().settings().get(RuntimeSettings.QUERY_TIMEOUT));
        assertEquals(Map.of("queryTimeout", "30s", "maxClientConnections", 300), report.settings());
        assertEquals(List.of("queryTimeout", "maxClientConnections"), List.copyOf(report.settings().keySet()),
                "in the order of /api/v1/settings");
    }

    @Test
    void reImportReplacesWhatTheFilesSayAndKeepsWhatTheyCannotSay() {
        store.update(ConfigStore.ANY_VERSION, config -> config
                .withDatabase(new DatabaseConfig("sales", "old.internal", 5432, "sales", "svc", box.seal("kept-secret",
                        SecretBinding.backendPassword("sales", "old.internal", 5432, "svc")),
                        ServerTls.DISABLE, PoolMode.STATEMENT, 3, 1, 1, 9))
                .withUser(new UserConfig("alice", AuthMethod.MD5, null, "md50b9789f4aeea4f6c7edf16192882e9aa",
                        List.of("sales"), true, PoolMode.TRANSACTION, 11, 12))
                .withUser(new UserConfig("bob", AuthMethod.MD5, null, "md50b9789f4aeea4f6c7edf16192882e9aa",
                        List.of(), false, null, 21, 22))
                .withSettings(SettingsConfig.UNSET.with(RuntimeSettings.QUERY_WAIT_TIMEOUT, Duration.ofSeconds(5))
                        .with(RuntimeSettings.SERVER_RESET_TIMEOUT, Duration.ofSeconds(7))
                        .with(RuntimeSettings.MAX_CLIENT_CONNECTIONS, 100)));
        ImportReport report = importer.run(ImportSources.sent("""
                [databases]
                sales = host=old.internal dbname=sales_v2 user=svc pool_size=4
                [users]
                alice = max_user_client_connections=2
                [pgbouncer]
                auth_type = scram-sha-256
                query_wait_timeout = 60
                """, "\"alice\" \"new-secret\"\n\"bob\" \"bob-secret\"\n", null), false);
        GatewayConfig after = store.current();
        assertEquals(List.of("sales"), report.updated().databases());
        assertEquals(List.of("alice", "bob"), report.updated().users());

        DatabaseConfig sales = after.database("sales").orElseThrow();
        assertEquals("sales_v2", sales.dbname(), "the file's connection wins");
        assertEquals(4, sales.poolSize());
        assertEquals(PoolMode.SESSION, sales.poolMode(), "PgBouncer's default: the files describe the whole pool");
        assertEquals(0, sales.maxDbConnections());
        assertEquals("kept-secret", box.open(sales.sealedPassword(), SecretBinding.backendPassword(sales)),
                "no password= in the file, same host, port and user: the stored one stays");

        UserConfig alice = after.user("alice").orElseThrow();
        assertEquals(AuthMethod.SCRAM_SHA_256, alice.auth(), "the file's credentials win");
        assertNull(alice.md5Hash());
        assertEquals(List.of("sales"), alice.databases(), "kept: the files have no database list");
        assertTrue(alice.admin(), "an admin stays admin");
        assertEquals(PoolMode.TRANSACTION, alice.poolMode(), "kept: PgBouncer has no per-client-user pool mode");
        assertEquals(12, alice.maxUserConnections(), "kept: PgBouncer's max_user_connections is a server user's");
        assertEquals(2, alice.maxClientConnections(), "set by the file");
        UserConfig bob = after.user("bob").orElseThrow();
        assertEquals(21, bob.maxClientConnections(), "kept: the files set no client limit for bob");

        SettingsConfig settings = after.settings();
        assertEquals(Duration.ofSeconds(60), settings.get(RuntimeSettings.QUERY_WAIT_TIMEOUT), "the file's value wins");
        assertEquals(Duration.ofSeconds(7), settings.get(RuntimeSettings.SERVER_RESET_TIMEOUT), "an override the files do not set stays");
        assertEquals(100, settings.get(RuntimeSettings.MAX_CLIENT_CONNECTIONS));
    }
}
