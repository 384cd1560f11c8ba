package io.portcullis.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ACME request in the store: survives a restart with its account, lease and tokens, is checked, and is absent until set. */
class AcmeConfigTest {

    @TempDir
    Path dir;

    private static AcmeConfig acme() {
        return new AcmeConfig("https://acme.example.com/dir", "ops@example.com", List.of("db.example.com"), null, "db",
                null, null, "https://acme.example.com/acct/1", "v2:AAAA", new AcmeConfig.Lease("replica-a/1/ff", 1234L),
                Map.of("tok", "tok.thumb"), AcmeChallengeType.TLS_ALPN_01, Map.of("db.example.com", "tok2.thumb"));
    }

    @Test
    void itSurvivesARestartAndIsLeftOutUntilSet() throws Exception {
        FileConfigStore store = new FileConfigStore(dir, change -> { });
        store.update(ConfigStore.ANY_VERSION, c -> c.withTls(c.tls().withSettings("require", List.of(), null)));
        assertFalse(Files.readString(dir.resolve(FileConfigStore.CONFIG_FILE), StandardCharsets.UTF_8).contains("acme"));
        store.update(ConfigStore.ANY_VERSION, c -> c.withTls(c.tls().withAcme(acme())));
        assertEquals(acme(), new FileConfigStore(dir, change -> { }).current().tls().acme());
        assertEquals(AcmeChallengeType.TLS_ALPN_01, new FileConfigStore(dir, change -> { }).current().tls().acme().challenge());
        store.update(ConfigStore.ANY_VERSION, c -> c.withTls(c.tls().withAcme(acme().withLease(null).withChallenges(Map.of())
                .withAlpnChallenges(Map.of()).withChallengeType(AcmeChallengeType.HTTP_01))));
        String stored = Files.readString(dir.resolve(FileConfigStore.CONFIG_FILE), StandardCharsets.UTF_8);
        assertFalse(stored.contains("\"lease\"") || stored.contains("\"challenges\"") || stored.contains("alpnChallenges")
                || stored.contains("challengeType"), "left out while empty, HTTP-01 as before TLS-ALPN-01: " + stored);
        assertEquals(AcmeChallengeType.HTTP_01, new FileConfigStore(dir, change -> { }).current().tls().acme().challenge());
        assertTrue(acme().toString().contains("db.example.com") && !acme().toString().contains("v2:AAAA"), "no sealed value in toString");
    }

    @Test
    void aDamagedRequestIsRefused() {
        AcmeConfig http = new AcmeConfig("http://acme.example.com/dir", null, List.of("db.example.com"), null, null, null,
                null, null, null);
        assertThrows(ConfigException.class, () -> ConfigValidator.validate(GatewayConfig.EMPTY.withTls(TlsConfig.UNSET.withAcme(http))));
        AcmeConfig clearKey = new AcmeConfig("https://acme.example.com/dir", null, List.of("db.example.com"), null, null,
                null, null, "https://acme.example.com/acct/1", "-----BEGIN PRIVATE KEY-----");
        assertThrows(ConfigException.class, () -> ConfigValidator.validate(GatewayConfig.EMPTY.withTls(TlsConfig.UNSET.withAcme(clearKey))));
        AcmeConfig noDomains = new AcmeConfig("https://acme.example.com/dir", null, List.of(), null, null, null, null, null, null);
        assertThrows(ConfigException.class, () -> ConfigValidator.validate(GatewayConfig.EMPTY.withTls(TlsConfig.UNSET.withAcme(noDomains))));
        AcmeConfig foreignChallenge = acme().withAlpnChallenges(Map.of("elsewhere.example.org", "tok.thumb"));
        ConfigException refused = assertThrows(ConfigException.class,
                () -> ConfigValidator.validate(GatewayConfig.EMPTY.withTls(TlsConfig.UNSET.withAcme(foreignChallenge))));
        assertTrue(refused.getMessage().contains("alpnChallenges may only be for the managed domains"), refused.getMessage());
        ConfigValidator.validate(GatewayConfig.EMPTY.withTls(TlsConfig.UNSET.withAcme(acme())));
    }
}
