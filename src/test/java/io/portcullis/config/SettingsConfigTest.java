package io.portcullis.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Process-wide settings and per-user pool settings in the store: old files load, values survive, bad ones are refused. */
class SettingsConfigTest {

    /** As written by Portcullis before settings and per-user limits existed. */
    private static final String OLD_FILE = """
            {"format":1,"config":{"version":4,"databases":{},"users":{"alice":{"name":"alice","auth":"cert",
            "scramVerifier":null,"md5Hash":null,"databases":[],"admin":false}},"tokens":[],
            "tls":{"mode":null,"protocols":[],"ciphers":null,"clientCaPem":null,"certificateSha256":null}}}
            """;

    private static final GatewaySettings DEFAULTS = new GatewaySettings(Duration.ofSeconds(120), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(240), Duration.ofSeconds(3600), Duration.ofSeconds(5),
            Duration.ofSeconds(10), "", Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ZERO, Duration.ZERO,
            Duration.ZERO, 0, 200);

    @TempDir
    Path dir;

    private static SettingsConfig only(Duration queryTimeout, Integer maxClients) {
        return new SettingsConfig(null, null, null, null, null, null, null, null, null, null, null, null,
                queryTimeout, maxClients, null);
    }

    @Test
    void aFileWithoutSettingsOrUserLimitsLoadsAsUnset() throws Exception {
        Files.writeString(dir.resolve(FileConfigStore.CONFIG_FILE), OLD_FILE);
        GatewayConfig config = new FileConfigStore(dir, change -> { }).current();
        assertEquals(4, config.version());
        assertEquals(SettingsConfig.UNSET, config.settings());
        UserConfig alice = config.user("alice").orElseThrow();
        assertNull(alice.poolMode());
        assertEquals(0, alice.maxClientConnections());
        assertEquals(0, alice.maxUserConnections());
    }

    @Test
    void storedSettingsSurviveARestartWrittenAsDurationText() throws Exception {
        FileConfigStore store = new FileConfigStore(dir, change -> { });
        SettingsConfig settings = new SettingsConfig(Duration.ofSeconds(30), null, null, null, null, null, null, "SELECT 1",
                Duration.ZERO, null, Duration.ofMillis(1500), null, Duration.ofMinutes(2), 500, 50);
        UserConfig bob = new UserConfig("bob", AuthMethod.CERT, null, null, List.of(), false, PoolMode.TRANSACTION, 3, 2);
        store.update(ConfigStore.ANY_VERSION, c -> c.withSettings(settings).withUser(bob));

        String json = Files.readString(dir.resolve(FileConfigStore.CONFIG_FILE), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"queryWaitTimeout\" : \"30s\"") && json.contains("\"clientIdleTimeout\" : \"1500ms\"")
                && json.contains("\"queryTimeout\" : \"120s\""), json);
        assertTrue(!json.contains("\"serverLifetime\""), "unset settings are left out: " + json);

        GatewayConfig reloaded = new FileConfigStore(dir, change -> { }).current();
        assertEquals(settings, reloaded.settings());
        assertEquals(bob, reloaded.user("bob").orElseThrow());
    }

    @Test
    void anUnreadableDurationInTheFileIsReportedWithItsField() throws Exception {
        Files.writeString(dir.resolve(FileConfigStore.CONFIG_FILE),
                "{\"format\":1,\"config\":{\"version\":1,\"settings\":{\"queryTimeout\":\"soon\"}}}");
        ConfigException e = assertThrows(ConfigException.class, () -> new FileConfigStore(dir, change -> { }));
        assertTrue(e.getMessage().contains("queryTimeout") && e.getMessage().contains("30s"), e.getMessage());
    }

    @Test
    void invalidSettingsAreRefusedNamingEachField() {
        SettingsConfig bad = new SettingsConfig(Duration.ofSeconds(-1), Duration.ZERO, null, null, Duration.ofDays(31),
                null, null, "SELECT\0 1", null, Duration.ZERO, Duration.ofNanos(500), null, null, -1, -3);
        String message = assertThrows(ConfigException.class,
                () -> ConfigValidator.validate(GatewayConfig.EMPTY.withSettings(bad))).getMessage();
        for (String field : List.of("queryWaitTimeout", "serverConnectTimeout", "serverLifetime", "serverCheckQuery",
                "clientLoginTimeout", "clientIdleTimeout", "maxClientConnections", "maxPreparedStatements")) {
            assertTrue(message.contains("settings: " + field), field + " in: " + message);
        }
        // Zero switches off the timeouts that allow it.
        ConfigValidator.validate(GatewayConfig.EMPTY.withSettings(new SettingsConfig(Duration.ZERO, null, null, Duration.ZERO,
                Duration.ZERO, Duration.ZERO, null, "", Duration.ZERO, null, Duration.ZERO, Duration.ZERO, Duration.ZERO, 0, 0)));
    }

    @Test
    void negativeUserLimitsAreRefused() {
        UserConfig user = new UserConfig("u", AuthMethod.CERT, null, null, List.of(), false, null, -1, -2);
        String message = assertThrows(ConfigException.class,
                () -> ConfigValidator.validate(GatewayConfig.EMPTY.withUser(user))).getMessage();
        assertTrue(message.contains("user 'u': maxClientConnections") && message.contains("maxUserConnections"), message);
    }

    @Test
    void durationsReadTheAcceptedFormsAndWriteSecondsOrMilliseconds() {
        assertEquals(Duration.ofSeconds(30), SettingDurations.parse("30s", "f"));
        assertEquals(Duration.ofMillis(500), SettingDurations.parse(" 500ms ", "f"));
        assertEquals(Duration.ofMinutes(5), SettingDurations.parse("5m", "f"));
        assertEquals(Duration.ofHours(1), SettingDurations.parse("1H", "f"));
        assertEquals(Duration.ofDays(2), SettingDurations.parse("2d", "f"));
        assertEquals(Duration.ofSeconds(90), SettingDurations.parse("PT1M30S", "f"));
        assertEquals(Duration.ZERO, SettingDurations.parse("0", "f"));
        for (String bad : new String[]{"", "30", "-5s", "PT-5S", "5 s", "1.5s", "soon", "999999999999999s"}) {
            ConfigException e = assertThrows(ConfigException.class, () -> SettingDurations.parse(bad, "queryTimeout"), bad);
            assertTrue(e.getMessage().startsWith("queryTimeout must be a duration"), e.getMessage());
        }
        assertEquals("30s", SettingDurations.format(Duration.ofSeconds(30)));
        assertEquals("1500ms", SettingDurations.format(Duration.ofMillis(1500)));
        assertEquals("0s", SettingDurations.format(Duration.ZERO));
    }

    @Test
    void overridesReplaceOnlyWhatTheySet() {
        GatewaySettings effective = DEFAULTS.withOverrides(only(Duration.ofSeconds(7), 42));
        assertEquals(Duration.ofSeconds(7), effective.queryTimeout());
        assertEquals(42, effective.maxClientConnections());
        assertEquals(DEFAULTS.queryWaitTimeout(), effective.queryWaitTimeout());
        assertEquals(DEFAULTS, DEFAULTS.withOverrides(SettingsConfig.UNSET));
        assertEquals(List.of("queryTimeout", "maxClientConnections"), only(Duration.ofSeconds(7), 42).overridden());
    }

    @Test
    void liveSettingsFollowTheStore() {
        FileConfigStore store = new FileConfigStore(dir, change -> { });
        LiveSettings live = new LiveSettings(store, DEFAULTS);
        assertEquals(DEFAULTS, live.current());
        assertSame(live.current(), live.current(), "resolved once per stored change");
        store.update(ConfigStore.ANY_VERSION, c -> c.withSettings(only(Duration.ofSeconds(3), null)));
        assertEquals(Duration.ofSeconds(3), live.current().queryTimeout());
        store.update(ConfigStore.ANY_VERSION, c -> c.withSettings(SettingsConfig.UNSET));
        assertEquals(DEFAULTS, live.current());
        assertEquals(DEFAULTS, live.defaults());
    }
}
