package io.portcullis.migrate;

import io.portcullis.config.AuthMethod;
import io.portcullis.config.SecretBox;
import io.portcullis.config.UserConfig;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code auth_type} and {@code auth_file}: each accepted value has an effect or a report. */
class AuthTypeTest {

    private static final String MD5 = "md50b9789f4aeea4f6c7edf16192882e9aa";
    private static final String SCRAM = "SCRAM-SHA-256$4096:c2FsdA==$a2V5:a2V5";
    private static final String USERLIST = "\"plain\" \"plain-secret\"\n\"hashed\" \"" + MD5 + "\"\n\"scram\" \"" + SCRAM + "\"\n";

    private static Map<String, UserConfig> users(ImportPlan plan) {
        return plan.users().stream().collect(Collectors.toMap(UserConfig::name, Function.identity()));
    }

    @Test
    void scramSha256RefusesMd5EntriesAsPgBouncerDoes() {
        ImportPlan plan = Fixtures.plan("[pgbouncer]\nauth_type = scram-sha-256\n", USERLIST);
        Map<String, UserConfig> users = users(plan);
        assertEquals(List.of("plain", "scram"), users.keySet().stream().sorted().toList(), "no md5 login PgBouncer refused");
        assertEquals(AuthMethod.SCRAM_SHA_256, users.get("plain").auth());
        assertEquals(AuthMethod.SCRAM_SHA_256, users.get("scram").auth());
        assertEquals(1, plan.unmapped().size(), plan.unmapped().toString());
        UnmappedLine hashed = plan.unmapped().get(0);
        assertEquals("userlist.txt:2:hashed", hashed.file() + ":" + hashed.line() + ":" + hashed.key());
        assertTrue(hashed.reason().startsWith("an md5 hash, which PgBouncer refuses with auth_type = scram-sha-256 "
                + "(pgbouncer.ini line 2): this user could not log in, so it is not imported"), hashed.reason());
    }

    @Test
    void md5KeepsMd5AndScramEntriesAndReportsTheClearTextOnesThatBecomeScram() {
        ImportPlan plan = Fixtures.plan("[pgbouncer]\nauth_type = md5\n", USERLIST);
        Map<String, UserConfig> users = users(plan);
        assertEquals(AuthMethod.MD5, users.get("hashed").auth());
        assertEquals(MD5, users.get("hashed").md5Hash());
        assertEquals(AuthMethod.SCRAM_SHA_256, users.get("scram").auth(), "PgBouncer uses SCRAM for a SCRAM secret too");
        assertEquals(SCRAM, users.get("scram").scramVerifier());
        assertEquals(AuthMethod.SCRAM_SHA_256, users.get("plain").auth());
        assertEquals(1, plan.unmapped().size(), plan.unmapped().toString());
        UnmappedLine authType = plan.unmapped().get(0);
        assertEquals("pgbouncer.ini:2:auth_type", authType.file() + ":" + authType.line() + ":" + authType.key());
        assertTrue(authType.reason().startsWith("the users with a clear-text password (plain) are imported as "
                + "SCRAM-SHA-256 users, where PgBouncer's auth_type md5 asked their clients for md5"), authType.reason());
    }

    @Test
    void md5IsPgBouncersDefaultSoTheReportNamesTheDefault() {
        StringBuilder many = new StringBuilder();
        for (int i = 1; i <= 12; i++) {
            many.append("\"u").append(i).append("\" \"secret-").append(i).append("\"\n");
        }
        ImportPlan plan = Fixtures.plan("[databases]\n", many.toString());
        assertEquals(12, plan.users().size());
        UnmappedLine line = plan.unmapped().get(0);
        assertEquals("userlist.txt", line.file());
        assertEquals(0, line.line(), "about the file as a whole: no line sets the default");
        assertEquals("auth_type", line.key());
        assertEquals("md5", line.value());
        assertTrue(line.reason().startsWith("auth_type is not set, so PgBouncer used md5: the users with a clear-text "
                + "password (u1, u2, u3, u4, u5, u6, u7, u8, u9, u10 and 2 more)"), line.reason());
    }

    @Test
    void md5WithoutClearTextEntriesHasNothingToReport() {
        ImportPlan plan = Fixtures.plan("[pgbouncer]\nauth_type = md5\n", "\"hashed\" \"" + MD5 + "\"\n");
        assertEquals(AuthMethod.MD5, plan.users().get(0).auth());
        assertTrue(plan.unmapped().isEmpty(), plan.unmapped().toString());
    }

    @Test
    void anAuthFileWhoseContentWasNotGivenIsReported() {
        SecretBox box = new SecretBox(new byte[SecretBox.KEY_BYTES], new SecureRandom());
        PgBouncerMapper mapper = new PgBouncerMapper(box::seal, p -> SCRAM);
        List<IniEntry> ini = new IniParser(IncludeResolver.NONE).parse("pgbouncer.ini",
                "[pgbouncer]\nauth_file = /etc/pgbouncer/userlist.txt\n");
        ImportPlan plan = mapper.map(ini, List.of(), IncludeResolver.NONE, "the content of /etc/pgbouncer/userlist.txt was not sent");
        UnmappedLine line = plan.unmapped().get(0);
        assertEquals("pgbouncer.ini:2:auth_file", line.file() + ":" + line.line() + ":" + line.key());
        assertEquals("/etc/pgbouncer/userlist.txt", line.value());
        assertEquals("the content of /etc/pgbouncer/userlist.txt was not sent; no users were imported", line.reason());

        assertTrue(mapper.map(ini, List.of()).unmapped().isEmpty(), "given (even empty), auth_file needs no report");
        assertTrue(mapper.map(new IniParser(IncludeResolver.NONE).parse("i", "[databases]\n"), List.of(),
                IncludeResolver.NONE, "not sent")
                .unmapped().isEmpty(), "no auth_file: PgBouncer would not have read a userlist either");
    }
}
