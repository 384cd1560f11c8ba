package io.portcullis.proxy;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectionLogTest {

    @Test
    void namesAreQuotedAndCannotForgeLines() {
        assertEquals("\"alice\"", ConnectionLog.quote("alice"));
        assertEquals("-", ConnectionLog.quote(null));
        String forged = ConnectionLog.quote("x\" user=admin\ninjected line");
        assertFalse(forged.contains("\n"), forged);
        assertEquals("\"x\\\" user=admin\\ninjected line\"", forged);
    }

    @Test
    void longNamesAreCapped() {
        String quoted = ConnectionLog.quote("a".repeat(10_000));
        assertTrue(quoted.length() <= ConnectionLog.MAX_NAME_LENGTH + 5, "length " + quoted.length());
    }
}
