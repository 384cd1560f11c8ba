package io.portcullis.migrate;

import io.portcullis.config.RuntimeSettings;
import io.portcullis.config.AuthMethod;
import io.portcullis.config.DatabaseConfig;
import io.portcullis.config.PoolMode;
import io.portcullis.config.SecretBinding;
import io.portcullis.config.SecretBox;
import io.portcullis.testing.TestPki;
import io.portcullis.config.ServerTls;
import io.portcullis.config.SettingsConfig;
import io.portcullis.config.UserConfig;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PgBouncerMapperTest {

    private final SecretBox box = new SecretBox(new byte[SecretBox.KEY_BYTES], new SecureRandom());
    /** A well-formed verifier that carries the password, so tests can see what was hashed. */
    private final PgBouncerMapper mapper = new PgBouncerMapper(box::seal, password -> "SCRAM-SHA-256$4096:"
            + Base64.getEncoder().encodeToString(password.getBytes(StandardCharsets.UTF_8)) + "$a2V5:a2V5");

    private ImportPlan full() {
        List<IniEntry> ini = new IniParser(Fixtures.includesFrom("full")).parse("pgbouncer.ini",
                Fixtures.read("full/pgbouncer.ini"));
        return mapper.map(ini, UserlistParser.parse("userlist.txt", Fixtures.read("full/userlist.txt")));
    }

    private String password(DatabaseConfig db) {
        return box.open(db.sealedPassword(), SecretBinding.backendPassword(db));
    }

    private static String hashed(UserConfig user) {
        String salt = user.scramVerifier().split("[$:]")[2];
        return new String(Base64.getDecoder().decode(salt), StandardCharsets.UTF_8);
    }

    @Test
    void mapsDatabasesWithTheirOwnAndTheGlobalPoolSettings() {
        Map<String, DatabaseConfig> dbs = full().databases().stream()
                .collect(Collectors.toMap(DatabaseConfig::name, Function.identity()));
        assertEquals(List.of("legacy-db", "metrics", "perclient", "questdb", "reporting"),
                dbs.keySet().stream().sorted().toList());
        assertTrue(dbs.get("perclient").disabled(), "no user=: waits for its credentials");
        assertEquals("10.0.0.6:5432/app", dbs.get("perclient").backendAddress() + "/" + dbs.get("perclient").dbname());

        DatabaseConfig questdb = dbs.get("questdb");
        assertEquals("127.0.0.1", questdb.host());
        assertEquals(8812, questdb.port());
        assertEquals("qdb", questdb.dbname());
        assertEquals("admin", questdb.user());
        assertEquals("quest", password(questdb));
        assertEquals(PoolMode.TRANSACTION, questdb.poolMode());
        assertEquals(8, questdb.poolSize());
        assertEquals(1, questdb.minPoolSize(), "min_pool_size from [pgbouncer]");
        assertEquals(2, questdb.reservePoolSize(), "reserve_pool_size from [pgbouncer]");
        assertEquals(50, questdb.maxDbConnections(), "max_db_connections from [pgbouncer]");
        assertEquals(ServerTls.PREFER, questdb.serverTls(), "server_tls_sslmode=prefer");

        DatabaseConfig reporting = dbs.get("reporting");
        assertEquals("it's;#secret", password(reporting), "quoted value with '' and comment characters");
        assertEquals(5433, reporting.port());
        assertEquals(PoolMode.STATEMENT, reporting.poolMode(), "[users] pool_mode of its server user 'reporter' wins");
        assertEquals(12, reporting.poolSize(), "default_pool_size");
        assertEquals(2, reporting.minPoolSize());
        assertEquals(3, reporting.reservePoolSize(), "reserve_pool is an alias");
        assertEquals(10, reporting.maxDbConnections(), "[users] max_user_connections of 'reporter' (10) is below "
                + "max_db_connections=40, and 'reporting' is its only database");

        DatabaseConfig legacy = dbs.get("legacy-db");
        assertEquals(5432, legacy.port(), "PgBouncer's default port");
        assertEquals("legacy", legacy.dbname());
        assertEquals("pa\"ss word", password(legacy), "password taken from the userlist");
        assertEquals(PoolMode.TRANSACTION, legacy.poolMode(), "pool_mode from [pgbouncer]");
        assertEquals(12, legacy.poolSize(), "default_pool_size from [pgbouncer]");

        DatabaseConfig metrics = dbs.get("metrics");
        assertEquals("qdb", metrics.dbname());
        assertEquals(PoolMode.STATEMENT, metrics.poolMode(), "pool_mode is case-insensitive");
        assertEquals(12, metrics.poolSize(), "pool_size=abc falls back to default_pool_size");
    }

    @Test
    void reservePoolSizeIsTheDatabaseLinesOtherNameForReservePool() {
        ImportPlan plan = Fixtures.plan("[databases]\nd = host=h user=u password=p reserve_pool_size=4\n"
                + "[pgbouncer]\nreserve_pool_size = 1\n", null);
        assertEquals(4, plan.databases().get(0).reservePoolSize());
        assertTrue(plan.unmapped().isEmpty(), plan.unmapped().toString());
    }

    @Test
    void perDatabaseTimeoutsNameTheSettingThatAppliesToAllDatabases() {
        Map<String, UnmappedLine> found = Fixtures.byWhere(Fixtures.plan(
                "[databases]\nd = host=h user=u password=p query_wait_timeout=5 server_lifetime=60\n", null));
        assertTrue(found.get("pgbouncer.ini:2:query_wait_timeout").reason().contains("the setting queryWaitTimeout"));
        assertTrue(found.get("pgbouncer.ini:2:server_lifetime").reason().contains("the setting serverLifetime"));
    }

    @Test
    void mapsUsersKeepingHashesAndHashingPlainPasswords() {
        Map<String, UserConfig> users = full().users().stream()
                .collect(Collectors.toMap(UserConfig::name, Function.identity()));
        assertEquals(List.of("alice", "bob", "carol", "legacy_app", "reporter"), users.keySet().stream().sorted().toList());

        UserConfig alice = users.get("alice");
        assertEquals(AuthMethod.SCRAM_SHA_256, alice.auth());
        assertEquals("alice-secret", hashed(alice));
        assertTrue(alice.admin(), "admin_users");
        assertTrue(alice.databases().isEmpty());

        UserConfig bob = users.get("bob");
        assertEquals(AuthMethod.MD5, bob.auth());
        assertEquals("md50b9789f4aeea4f6c7edf16192882e9aa", bob.md5Hash());
        assertNull(bob.scramVerifier());
        assertFalse(bob.admin());

        UserConfig carol = users.get("carol");
        assertEquals(AuthMethod.SCRAM_SHA_256, carol.auth());
        assertEquals("SCRAM-SHA-256$4096:AAECAwQFBgcICQoLDA0ODw==$fBN37olb9Th+J9Radm89DNLcXcdZTl06Iyc+BE8mT/g="
                + ":QnQb/u9jfLWwvePce/pgr5T5zGbJuM+grEnaD7NzdYI=", carol.scramVerifier(), "verifier kept as is");

        assertEquals("pa\"ss word", hashed(users.get("legacy_app")));

        assertEquals(3, alice.maxClientConnections(), "[users] max_user_client_connections");
        assertEquals(50, bob.maxClientConnections(), "max_user_client_connections from [pgbouncer]");
        assertEquals(50, carol.maxClientConnections());
        for (UserConfig user : users.values()) {
            assertNull(user.poolMode(), "PgBouncer's [users] pool_mode belongs to server users, not to client users");
            assertEquals(0, user.maxUserConnections(), "max_user_connections counts a server user's connections");
        }
    }

    @Test
    void mapsTheWholeGatewaySettingsToSettingsOverrides() {
        SettingsConfig settings = full().settings();
        assertEquals(500, settings.get(RuntimeSettings.MAX_CLIENT_CONNECTIONS));
        assertEquals(Duration.ofSeconds(60), settings.get(RuntimeSettings.QUERY_WAIT_TIMEOUT));
        assertEquals(Duration.ofMillis(200_500), settings.get(RuntimeSettings.SERVER_IDLE_TIMEOUT), "seconds with a fraction");
        assertNull(settings.get(RuntimeSettings.SERVER_LIFETIME), "server_lifetime = 0 means something else: reported");
        assertEquals(List.of("queryWaitTimeout", "serverIdleTimeout", "maxClientConnections"), settings.overridden());
    }

    @Test
    void reportsEveryLineItCouldNotMapWithFileLineAndReason() {
        List<UnmappedLine> unmapped = full().unmapped();
        Map<String, UnmappedLine> byWhere = unmapped.stream().collect(Collectors.toMap(
                u -> u.file() + ":" + u.line() + ":" + u.key(), Function.identity(), (a, b) -> a));
        String all = unmapped.stream().map(u -> u.file() + ":" + u.line() + ":" + u.key() + " " + u.reason())
                .collect(Collectors.joining("\n"));
        List<String> expected = List.of(
                "pgbouncer.ini:7:connect_query", "pgbouncer.ini:8:auth_user", "pgbouncer.ini:9:sockets",
                "pgbouncer.ini:11:*", "conf.d/extra.ini:2:pool_size",
                "pgbouncer.ini:15:alice", "pgbouncer.ini:18:listen_addr", "pgbouncer.ini:19:listen_port",
                "pgbouncer.ini:20:auth_type", "pgbouncer.ini:22:admin_users",
                "pgbouncer.ini:28:server_reset_query", "pgbouncer.ini:33:client_tls_protocols",
                "pgbouncer.ini:36:ignore_startup_parameters",
                "pgbouncer.ini:37:some_unknown_key", "pgbouncer.ini:42:server_lifetime", "pgbouncer.ini:43:stats_period",
                "userlist.txt:7:dave \"the admin\"", "userlist.txt:8:erin");
        for (String where : expected) {
            assertTrue(byWhere.containsKey(where), where + " is reported; got:\n" + all);
        }
        assertEquals(expected.size(), unmapped.size(), all);

        assertTrue(byWhere.get("pgbouncer.ini:28:server_reset_query").reason().contains("resets server connections"));
        assertEquals("DISCARD ALL", byWhere.get("pgbouncer.ini:28:server_reset_query").value());
        assertTrue(byWhere.get("pgbouncer.ini:8:auth_user").reason().startsWith("database 'legacy-db'"));
        assertTrue(byWhere.get("pgbouncer.ini:19:listen_port").reason().contains("portcullis.listen.port=6432"));
        assertEquals("nobody", byWhere.get("pgbouncer.ini:22:admin_users").value());
        assertTrue(byWhere.get("pgbouncer.ini:9:sockets").reason().contains("Unix socket"));
        assertNull(byWhere.get("userlist.txt:8:erin").value());
        assertEquals("user 'alice': pool_mode, max_user_connections not imported: PgBouncer applies them to the pools "
                + "of that server user (the user= of a database), and no imported database logs in to its backend as "
                + "'alice'", byWhere.get("pgbouncer.ini:15:alice").reason(), "its client limit is applied, see above");
        assertTrue(byWhere.get("pgbouncer.ini:20:auth_type").reason().contains("(alice, legacy_app) are imported as "
                + "SCRAM-SHA-256 users"), byWhere.get("pgbouncer.ini:20:auth_type").reason());
        assertTrue(byWhere.get("pgbouncer.ini:42:server_lifetime").reason().contains("after one use"));
        assertTrue(byWhere.get("pgbouncer.ini:43:stats_period").reason().contains("portcullis.admin.stats-period=30s"));
    }

    @Test
    void reportsNoSecretAnywhere() {
        ImportPlan plan = full();
        String report = plan.unmapped().toString() + plan.tlsSettings();
        for (String secret : List.of("quest", "it's;#secret", "alice-secret", "dave-secret", "pa\"ss word",
                "md50b9789f4aeea4f6c7edf16192882e9aa", "fBN37olb9Th")) {
            assertFalse(report.contains(secret), "report leaks " + secret + ": " + report);
        }
    }

    @Test
    void translatesClientTlsSettingsWithoutApplyingThem() {
        TlsSettingsReport tls = full().tlsSettings();
        assertFalse(tls.applied());
        assertEquals("verify-full", tls.mode());
        assertEquals(List.of("TLSv1.2", "TLSv1.3"), tls.protocols(), "TLS 1.1 dropped");
        assertEquals(List.of("TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"), tls.ciphers());
        assertEquals("/etc/pgbouncer/server.crt", tls.certificateFile());
        assertEquals("/etc/pgbouncer/server.key", tls.privateKeyFile());
        assertEquals("/etc/pgbouncer/clients-ca.crt", tls.clientCaFile());
        assertEquals("prefer", tls.serverTls());
        assertTrue(tls.howToApply().contains("portcullis.tls.mode=verify-full (or PUT /api/v1/tls {\"mode\":\"verify-full\"})"),
                tls.howToApply().toString());
    }

    @Test
    void theQuestDbGuideImportsItsDatabaseAndUser() {
        List<IniEntry> ini = new IniParser(IncludeResolver.NONE).parse("pgbouncer.ini",
                Fixtures.read("questdb-guide/pgbouncer.ini"));
        ImportPlan plan = mapper.map(ini, UserlistParser.parse("userlist.txt", Fixtures.read("questdb-guide/userlist.txt")));
        assertEquals(List.of("questdb"), plan.databases().stream().map(DatabaseConfig::name).toList());
        assertEquals("quest", password(plan.databases().get(0)));
        assertEquals(List.of("admin"), plan.users().stream().map(UserConfig::name).toList());
        assertEquals("quest", hashed(plan.users().get(0)));
        assertEquals("require", plan.tlsSettings().mode());
        assertEquals(List.of("auth_type", "listen_addr", "listen_port", "logfile", "pidfile"),
                plan.unmapped().stream().map(UnmappedLine::key).sorted().toList());
    }

    /**
     * Issue 20 item 6: QuestDB's TLS guide (docker compose, {@code questdb-tls-guide/}, verbatim): its database has
     * no user=, so it waits for its credentials; its userlist holds the placeholder {@code md5<hash>}, which is not
     * taken as anyone's password; every setting with a Portcullis equivalent is mapped.
     */
    @Test
    void theQuestDbTlsGuideImportsItsDatabaseWaitingForCredentials() {
        List<IniEntry> ini = new IniParser(IncludeResolver.NONE).parse("pgbouncer.ini",
                Fixtures.read("questdb-tls-guide/pgbouncer.ini"));
        ImportPlan plan = mapper.map(ini, UserlistParser.parse("userlist.txt",
                Fixtures.read("questdb-tls-guide/userlist.txt")));
        assertEquals(1, plan.databases().size());
        DatabaseConfig questdb = plan.databases().get(0);
        assertEquals("questdb", questdb.name());
        assertEquals("questdb:8812/questdb", questdb.backendAddress() + "/" + questdb.dbname());
        assertTrue(questdb.disabled());
        assertNull(questdb.user());
        assertFalse(questdb.hasPassword());
        assertTrue(questdb.disabledReason().startsWith("imported from pgbouncer.ini line 2 without user=: "),
                questdb.disabledReason());
        assertTrue(questdb.disabledReason().endsWith("PUT /api/v1/databases/questdb with user and password puts it "
                + "in service"), questdb.disabledReason());
        assertEquals(PoolMode.SESSION, questdb.poolMode());
        assertEquals(25, questdb.poolSize(), "default_pool_size");
        assertEquals(1000, plan.settings().get(RuntimeSettings.MAX_CLIENT_CONNECTIONS), "max_client_conn");
        assertEquals(List.of("TLSv1.3", "TLSv1.2"), plan.tlsSettings().protocols(), "client_tls_protocols = secure");
        assertEquals(List.of(), plan.users(), "md5<hash> is a placeholder, not a password");
        Map<String, UnmappedLine> found = Fixtures.byWhere(plan);
        assertEquals(List.of("pgbouncer.ini:5:listen_addr", "pgbouncer.ini:6:listen_port", "pgbouncer.ini:23:logfile",
                "pgbouncer.ini:24:pidfile", "pgbouncer.ini:25:admin_users", "userlist.txt:1:admin",
                "userlist.txt:2:readonly"), List.copyOf(found.keySet()), "only what has no equivalent, or is unusable");
        assertTrue(found.get("userlist.txt:1:admin").reason().contains("most likely a placeholder such as md5<hash>"),
                found.get("userlist.txt:1:admin").reason());
        assertTrue(found.get("pgbouncer.ini:25:admin_users").reason().contains("user 'admin' is not imported (see its "
                + "userlist line)"), found.get("pgbouncer.ini:25:admin_users").reason());
    }

    @Test
    void aRealMd5HashBesideTheGuidesLineMakesAnMd5UserAndAPasswordWithoutUserIsReported() {
        String hash = io.portcullis.auth.PasswordVerifiers.md5("admin", "quest");
        ImportPlan plan = Fixtures.plan("[databases]\nq = host=h password=secret pool_size=3\n[pgbouncer]\n"
                + "auth_type = md5\nadmin_users = admin\n", "\"admin\" \"" + hash + "\"\n");
        assertEquals(List.of("admin"), plan.users().stream().map(UserConfig::name).toList());
        assertEquals(AuthMethod.MD5, plan.users().get(0).auth());
        assertTrue(plan.users().get(0).admin());
        DatabaseConfig q = plan.databases().get(0);
        assertTrue(q.disabled());
        assertFalse(q.hasPassword(), "a password without a user is bound to nothing");
        assertEquals(3, q.poolSize());
        UnmappedLine password = Fixtures.byWhere(plan).get("pgbouncer.ini:2:password");
        assertTrue(password.reason().contains("a password without user= is not imported"), password.reason());
    }

    /** Issue 20 item 1: auth_user, auth_query and auth_dbname become the database's user lookup. */
    @Test
    void authUserAndAuthQueryBecomeTheDatabasesUserLookup() {
        ImportPlan plan = Fixtures.plan("""
                [databases]
                app = host=pg.internal dbname=app auth_user=pgb_auth
                own = host=pg.internal dbname=own user=owner password=owner-pass auth_dbname=own
                plain = host=pg.internal dbname=plain user=owner password=owner-pass
                [pgbouncer]
                auth_query = SELECT usename, passwd FROM public.user_lookup($1);
                auth_dbname = postgres
                """, "\"pgb_auth\" \"lookup-secret\"\n");
        Map<String, DatabaseConfig> dbs = plan.databases().stream()
                .collect(Collectors.toMap(DatabaseConfig::name, Function.identity()));
        DatabaseConfig app = dbs.get("app");
        assertFalse(app.disabled(), "no user= but a lookup: in service for the users it looks up");
        assertNull(app.user());
        assertEquals("pgb_auth", app.authLookup().user());
        assertEquals("SELECT usename, passwd FROM public.user_lookup($1)", app.authLookup().query());
        assertEquals("postgres", app.authLookup().dbname());
        assertEquals("lookup-secret", box.open(app.authLookup().sealedPassword(),
                SecretBinding.backendPassword(app.forAuthLookup())));
        assertNull(dbs.get("own").authLookup(), "auth_dbname without any auth_user looks nobody up");
        assertNull(dbs.get("plain").authLookup());
        Map<String, UnmappedLine> found = Fixtures.byWhere(plan);
        assertTrue(found.get("pgbouncer.ini:3:auth_dbname").reason().contains("no auth_user"),
                found.keySet().toString());
        assertTrue(found.keySet().stream().noneMatch(k -> k.endsWith(":auth_query") || k.endsWith(":auth_user")),
                found.keySet().toString());
    }

    /** Issue 15 item 2: server_tls_sslmode, server_tls_ca_file and server_tls_cert_file/key_file reach every database. */
    @Test
    void mapsBackendTlsSettingsAndFiles() throws Exception {
        TestPki.Issued ca = TestPki.ca("Backend CA");
        TestPki.Issued client = TestPki.client(ca, "admin");
        String ini = "[databases]\nq = host=db.internal port=5433 user=admin password=quest\n"
                + "[pgbouncer]\nserver_tls_sslmode = verify-full\nserver_tls_ca_file = /etc/pgb/ca.crt\n"
                + "server_tls_cert_file = /etc/pgb/client.crt\nserver_tls_key_file = /etc/pgb/client.key\n"
                + "server_tls_protocols = secure\n";
        IncludeResolver files = IncludeResolver.of(Map.of("/etc/pgb/ca.crt", ca.certificatePem(),
                "/etc/pgb/client.crt", client.certificatePem(), "/etc/pgb/client.key", client.keyPem()));
        ImportPlan plan = mapper.map(new IniParser(IncludeResolver.NONE).parse("pgbouncer.ini", ini), List.of(), files);
        DatabaseConfig q = plan.databases().get(0);
        assertEquals(ServerTls.VERIFY_FULL, q.serverTls());
        assertTrue(q.serverCa().contains("BEGIN CERTIFICATE"));
        assertTrue(q.serverCertificate().contains("BEGIN CERTIFICATE"));
        assertTrue(q.sealedServerKey().startsWith("v2:"));
        assertTrue(box.open(q.sealedServerKey(), SecretBinding.serverKey(q)).contains("PRIVATE KEY"));
        assertEquals("quest", password(q));
        assertEquals("verify-full", plan.tlsSettings().serverTls());
        assertEquals(List.of("server_tls_protocols"), plan.unmapped().stream().map(UnmappedLine::key).toList());
        io.portcullis.config.ConfigValidator.validate(io.portcullis.config.GatewayConfig.EMPTY.withDatabase(q));
    }

    @Test
    void reportsBackendTlsFilesItCannotUse() throws Exception {
        String ini = "[databases]\nq = host=h user=u password=p\n[pgbouncer]\nserver_tls_sslmode = verify-ca\n"
                + "server_tls_ca_file = missing.crt\nserver_tls_cert_file = bad.crt\nserver_tls_key_file = bad.key\n";
        IncludeResolver files = IncludeResolver.of(Map.of("bad.crt", "not a certificate", "bad.key", "nor a key"));
        ImportPlan plan = mapper.map(new IniParser(IncludeResolver.NONE).parse("pgbouncer.ini", ini), List.of(), files);
        DatabaseConfig q = plan.databases().get(0);
        assertEquals(ServerTls.VERIFY_CA, q.serverTls(), "the mode stays: connections fail closed until a CA is set");
        assertNull(q.serverCa());
        assertNull(q.serverCertificate());
        assertNull(q.sealedServerKey());
        Map<String, String> reasons = plan.unmapped().stream().collect(Collectors.toMap(UnmappedLine::key, UnmappedLine::reason));
        assertTrue(reasons.get("server_tls_ca_file").contains("cannot read missing.crt"), reasons.toString());
        assertTrue(reasons.get("server_tls_cert_file").contains("bad.crt cannot be used"), reasons.toString());
        assertTrue(reasons.get("server_tls_sslmode").contains("without a usable server_tls_ca_file"), reasons.toString());

        ImportPlan allow = mapper.map(new IniParser(IncludeResolver.NONE).parse("i",
                "[databases]\nq = host=h user=u\n[pgbouncer]\nserver_tls_sslmode = allow\n"), List.of());
        assertEquals(ServerTls.PREFER, allow.databases().get(0).serverTls());
        assertTrue(allow.unmapped().stream().anyMatch(u -> u.key().equals("server_tls_sslmode") && u.reason().contains("prefer")));
    }

    @Test
    void authTypeCertMakesCertificateUsers() {
        List<IniEntry> ini = new IniParser(IncludeResolver.NONE).parse("i", "[pgbouncer]\nauth_type = cert\n");
        ImportPlan plan = mapper.map(ini, UserlistParser.parse("u", "\"alice\" \"\"\n"));
        assertEquals(AuthMethod.CERT, plan.users().get(0).auth());
        assertNull(plan.users().get(0).scramVerifier());
    }

    @Test
    void aBackendUserWithOnlyAHashInTheUserlistGetsNoPasswordAndAReport() {
        List<IniEntry> ini = new IniParser(IncludeResolver.NONE).parse("i",
                "[databases]\nd = host=h user=bob\n");
        ImportPlan plan = mapper.map(ini, UserlistParser.parse("u", "\"bob\" \"md50b9789f4aeea4f6c7edf16192882e9aa\"\n"));
        assertNull(plan.databases().get(0).sealedPassword());
        UnmappedLine line = plan.unmapped().get(0);
        assertEquals("password", line.key());
        assertTrue(line.reason().contains("an md5 hash"), line.reason());
    }

    @Test
    void anUnreadableConnectionStringIsASyntaxErrorOnItsLine() {
        List<IniEntry> ini = new IniParser(IncludeResolver.NONE).parse("pgbouncer.ini",
                "[databases]\n\nd = host=h password='hunter2\n");
        PgBouncerSyntaxException e = assertThrows(PgBouncerSyntaxException.class, () -> mapper.map(ini, List.of()));
        assertEquals(3, e.line());
        assertFalse(e.getMessage().contains("hunter2"));
    }
}
