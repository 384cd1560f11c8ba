package io.portcullis.migrate;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ConnectionStringTest {

    @Test
    void readsPairsQuotedValuesAndBlanksAroundEquals() {
        ConnectionString cs = ConnectionString.parse(
                "host=127.0.0.1  port = 8812 password='it''s a secret' connect_query='SELECT 1' dbname=qdb");
        assertEquals(Map.of("host", "127.0.0.1", "port", "8812", "password", "it's a secret",
                "connect_query", "SELECT 1", "dbname", "qdb"), cs.params());
    }

    @Test
    void theLastOfARepeatedKeyWins() {
        assertEquals("b", ConnectionString.parse("host=a host=b").get("host"));
    }

    @Test
    void anEmptyStringHasNoParameters() {
        assertEquals(Map.of(), ConnectionString.parse("   ").params());
    }

    @Test
    void errorsNameTheKeyNotTheValue() {
        assertEquals("the value of 'password' needs a closing quote",
                assertThrows(IllegalArgumentException.class,
                        () -> ConnectionString.parse("host=a password='hunter2")).getMessage());
        assertEquals("expected '=' after 'host'",
                assertThrows(IllegalArgumentException.class, () -> ConnectionString.parse("host a")).getMessage());
        assertEquals("'port' has an empty value",
                assertThrows(IllegalArgumentException.class, () -> ConnectionString.parse("host=a port= ")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> ConnectionString.parse("=a"));
    }

    @Test
    void redactedHidesThePassword() {
        String shown = ConnectionString.parse("host=h user=u password=hunter2").redacted();
        assertEquals("host=h user=u password=(hidden)", shown);
        assertFalse(shown.contains("hunter2"));
    }
}
