package io.portcullis.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PostgresStoreSettingsTest {

    private static final Duration POLL = Duration.ofSeconds(10);

    private static PostgresStoreSettings settings(String url, String table) {
        return new PostgresStoreSettings(url, Optional.of("portcullis"), Optional.of("s3cret-pass"), table, POLL);
    }

    @Test
    void defaultsTheTableAndNeverShowsThePassword() {
        PostgresStoreSettings s = settings("jdbc:postgresql://db:5432/cfg?sslmode=verify-full&password=url-secret&x=1", null);
        assertEquals(SettingNames.POSTGRESQL_TABLE_DEFAULT, s.table());
        assertEquals("jdbc:postgresql://db:5432/cfg?sslmode=verify-full&password=***&x=1", s.redactedUrl());
        assertFalse(s.toString().contains("s3cret-pass"), s.toString());
        assertFalse(s.toString().contains("url-secret"), s.toString());
        assertTrue(s.toString().contains("db:5432"), s.toString());
    }

    @Test
    void acceptsSchemaQualifiedTables() {
        assertEquals("ops.gateway_config", settings("jdbc:postgresql://db/cfg", "ops.gateway_config").table());
    }

    @Test
    void refusesWhatCannotBeSafelyUsed() {
        assertThrows(ConfigException.class, () -> settings(null, null), "no URL");
        assertThrows(ConfigException.class, () -> settings("jdbc:mysql://db/cfg", null), "not PostgreSQL");
        for (String table : new String[] {"Config", "cfg; DROP TABLE x", "a.b.c", "1table", "\"quoted\"", "x".repeat(64)}) {
            ConfigException e = assertThrows(ConfigException.class, () -> settings("jdbc:postgresql://db/cfg", table), table);
            assertTrue(e.getMessage().contains(SettingNames.POSTGRESQL_TABLE), e.getMessage());
        }
        assertThrows(ConfigException.class, () -> new PostgresStoreSettings("jdbc:postgresql://db/cfg", Optional.empty(),
                Optional.empty(), null, Duration.ZERO));
        for (int history : new int[] {0, -1}) {
            ConfigException e = assertThrows(ConfigException.class, () -> new PostgresStoreSettings("jdbc:postgresql://db/cfg",
                    Optional.empty(), Optional.empty(), null, POLL, history));
            assertTrue(e.getMessage().contains(SettingNames.POSTGRESQL_HISTORY) && e.getMessage().contains("at least 1"),
                    e.getMessage());
        }
    }

    @Test
    void historyDefaultsToAThousandVersions() {
        assertEquals(1000, settings("jdbc:postgresql://db/cfg", null).history());
        assertEquals(1, new PostgresStoreSettings("jdbc:postgresql://db/cfg", Optional.empty(), Optional.empty(), null,
                POLL, 1).history());
    }
}
