package io.portcullis.log;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogTextTest {

    /** Every character some log reader takes as the end of a line, or that rearranges what it shows. */
    private static final String BREAKERS = "\n\r\u000b\u000c\u001c\u001d\u001e\u0085\u2028\u2029";

    @Test
    void plainTextPassesUnchanged() {
        String name = "alice@example.com_01-ü-名前 C:\\data\\x.ini \"quoted\"";
        assertSame(name, LogText.escape(name), "nothing to escape: the same string, no copy");
    }

    @Test
    void nothingThatBreaksALineSurvives() {
        for (char c = 0; c < 0x10000 - 1; c++) {
            String escaped = LogText.escape("a" + c + "b");
            String quoted = LogText.quote("a" + c + "b");
            for (char breaker : BREAKERS.toCharArray()) {
                assertTrue(escaped.indexOf(breaker) < 0 && quoted.indexOf(breaker) < 0, "U+" + Integer.toHexString(c));
            }
            if (Character.getType(c) == Character.CONTROL) {
                assertTrue(escaped.startsWith("a\\") && escaped.endsWith("b"), "U+" + Integer.toHexString(c) + ": " + escaped);
            }
        }
    }

    @Test
    void escapesAreReadable() {
        assertEquals("x\\ninjected\\r\\tz\\u0000\\u001b[31m\\u0085\\u2028\\u202e", LogText.escape(
                "x\ninjected\r\tz\u0000\u001b[31m\u0085\u2028\u202e"));
        assertEquals("null", LogText.escape((String) null));
        assertEquals("java.io.IOException: a\\nb", LogText.escape(new java.io.IOException("a\nb")));
    }

    @Test
    void quotedValuesCannotCloseTheirQuoteOrForgeAField() {
        assertEquals("\"alice\"", LogText.quote("alice"));
        assertEquals("-", LogText.quote(null));
        assertEquals("\"x\\\" user=\\\"admin\\\\\\ninjected line\"", LogText.quote("x\" user=\"admin\\\ninjected line"));
    }

    @Test
    void quotedValuesAreCapped() {
        String quoted = LogText.quote("a".repeat(10_000));
        assertEquals("\"" + "a".repeat(LogText.MAX_QUOTED_LENGTH) + "...\"", quoted);
        String surrogates = "\uD83D\uDE00".repeat(LogText.MAX_QUOTED_LENGTH);
        String cut = LogText.quote(surrogates);
        assertTrue(!Character.isHighSurrogate(cut.charAt(cut.length() - 5)), "a surrogate pair is not split: " + cut);
    }
}
