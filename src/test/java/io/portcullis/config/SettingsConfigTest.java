package io.portcullis.config;

import io.portcullis.config.RuntimeSettings;
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

    /** The built-in defaults of the descriptors, as written in RuntimeSettings. */
    private static final GatewaySettings DEFAULTS = GatewaySettings.builtIn();

    @TempDir
    Path dir;

    private static SettingsConfig only(Duration queryTimeout, Integer maxClients) {
        return SettingsConfig.UNSET.with(RuntimeSettings.QUERY_TIMEOUT, queryTimeout)
                .with(RuntimeSettings.MAX_CLIENT_CONNECTIONS, maxClients);
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
        SettingsConfig settings = SettingsConfig.UNSET.with(RuntimeSettings.QUERY_WAIT_TIMEOUT, Duration.ofSeconds(30))
                .with(RuntimeSettings.SERVER_CHECK_QUERY, "SELECT 1").with(RuntimeSettings.SERVER_CHECK_DELAY, Duration.ZERO)
                .with(RuntimeSettings.CLIENT_IDLE_TIMEOUT, Duration.ofMillis(1500))
                .with(RuntimeSettings.QUERY_TIMEOUT, Duration.ofMinutes(2))
                .with(RuntimeSettings.MAX_CLIENT_CONNECTIONS, 500).with(RuntimeSettings.MAX_PREPARED_STATEMENTS, 50);
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
        SettingsConfig bad = SettingsConfig.UNSET.with(RuntimeSettings.QUERY_WAIT_TIMEOUT, Duration.ofSeconds(-1))
                .with(RuntimeSettings.SERVER_CONNECT_TIMEOUT, Duration.ZERO)
                .with(RuntimeSettings.SERVER_LIFETIME, Duration.ofDays(31))
                .with(RuntimeSettings.SERVER_CHECK_QUERY, "SELECT\0 1")
                .with(RuntimeSettings.CLIENT_LOGIN_TIMEOUT, Duration.ZERO)
                .with(RuntimeSettings.CLIENT_IDLE_TIMEOUT, Duration.ofNanos(500))
                .with(RuntimeSettings.MAX_CLIENT_CONNECTIONS, -1).with(RuntimeSettings.MAX_PREPARED_STATEMENTS, -3);
        String message = assertThrows(ConfigException.class,
                () -> ConfigValidator.validate(GatewayConfig.EMPTY.withSettings(bad))).getMessage();
        for (String field : List.of("queryWaitTimeout", "serverConnectTimeout", "serverLifetime", "serverCheckQuery",
                "clientLoginTimeout", "clientIdleTimeout", "maxClientConnections", "maxPreparedStatements")) {
            assertTrue(message.contains("settings: " + field), field + " in: " + message);
        }
        // Zero switches off the timeouts that allow it.
        SettingsConfig zeros = SettingsConfig.UNSET;
        for (Setting<?> setting : RuntimeSettings.ALL) {
            if (!setting.bounds().startsWith("more")) {
                zeros = zeros.withAll(zero(setting));
            }
        }
        assertEquals(Duration.ZERO, zeros.get(RuntimeSettings.SERVER_LIFETIME));
        assertEquals(0, zeros.get(RuntimeSettings.MAX_CLIENT_CONNECTIONS));
        ConfigValidator.validate(GatewayConfig.EMPTY.withSettings(zeros));
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
        // As pgbouncer.ini and Quarkus's properties: a bare number is seconds; a decimal with a unit is exact.
        assertEquals(Duration.ofSeconds(30), SettingDurations.parse("30", "f"));
        assertEquals(Duration.ofMillis(1500), SettingDurations.parse("1.5s", "f"));
        for (String bad : new String[]{"", "-5s", "PT-5S", "5 s", "1.5", "soon", "1d2h"}) {
            ConfigException e = assertThrows(ConfigException.class, () -> SettingDurations.parse(bad, "queryTimeout"), bad);
            assertTrue(e.getMessage().startsWith("queryTimeout must be a duration"), e.getMessage());
        }
        assertEquals("30s", SettingDurations.format(Duration.ofSeconds(30)));
        assertEquals("1500ms", SettingDurations.format(Duration.ofMillis(1500)));
        assertEquals("0s", SettingDurations.format(Duration.ZERO));
    }

    /** The override {@code 0} (text: the empty string) of one setting, as JSON would carry it. */
    private static SettingsConfig zero(Setting<?> setting) {
        com.fasterxml.jackson.databind.JsonNode zero = setting.kind() == Setting.Kind.INTEGER
                ? com.fasterxml.jackson.databind.node.IntNode.valueOf(0)
                : com.fasterxml.jackson.databind.node.TextNode.valueOf(setting.kind() == Setting.Kind.TEXT ? "" : "0s");
        return with(setting, SettingsConfig.readJson(setting, zero, setting.name()));
    }

    private static <T> SettingsConfig with(Setting<T> setting, Object value) {
        return SettingsConfig.UNSET.with(setting, setting.type().cast(value));
    }

    @Test
    void overridesReplaceOnlyWhatTheySet() {
        GatewaySettings effective = DEFAULTS.withOverrides(only(Duration.ofSeconds(7), 42));
        assertEquals(Duration.ofSeconds(7), effective.get(RuntimeSettings.QUERY_TIMEOUT));
        assertEquals(42, effective.get(RuntimeSettings.MAX_CLIENT_CONNECTIONS));
        assertEquals(DEFAULTS.get(RuntimeSettings.QUERY_WAIT_TIMEOUT), effective.get(RuntimeSettings.QUERY_WAIT_TIMEOUT));
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
        assertEquals(Duration.ofSeconds(3), live.current().get(RuntimeSettings.QUERY_TIMEOUT));
        store.update(ConfigStore.ANY_VERSION, c -> c.withSettings(SettingsConfig.UNSET));
        assertEquals(DEFAULTS, live.current());
        assertEquals(DEFAULTS, live.defaults());
    }
}
