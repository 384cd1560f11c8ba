package io.portcullis.migrate;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LineLexerTest {

    @Test
    void aDoubledQuoteIsOneQuoteOnlyWhereTheFormatSaysSo() {
        LineLexer escaped = new LineLexer("'it''s' rest");
        assertEquals("it's", escaped.quoted(true));
        assertEquals(" rest", escaped.rest());

        LineLexer plain = new LineLexer("'it''s'");
        assertEquals("it", plain.quoted(false), "single-quoted INI names have no escape: the second quote closes");
        assertTrue(plain.at('\''));

        assertEquals("a\"b", new LineLexer("\"a\"\"b\"").quoted(true));
    }

    @Test
    void anUnclosedQuoteIsNull() {
        assertNull(new LineLexer("'open").quoted(true));
        assertNull(new LineLexer("'ends in an escaped quote''").quoted(true));
    }

    @Test
    void theEqualsSignMayHaveBlanksAroundIt() {
        LineLexer lexer = new LineLexer("key \t= \tvalue");
        assertEquals("key", lexer.run(c -> c != ' ' && c != '='));
        assertTrue(lexer.equalsSign());
        assertEquals("value", lexer.rest());

        LineLexer missing = new LineLexer("key  value");
        missing.run(c -> c != ' ');
        assertFalse(missing.equalsSign());
        assertEquals('v', missing.peek(), "the cursor stops on what came instead of '='");
    }

    @Test
    void untilStopsOnTheCharacterOrLeavesTheCursorWhereItWas() {
        LineLexer lexer = new LineLexer("name] tail");
        assertEquals("name", lexer.until(']'));
        assertTrue(lexer.take(']'));
        assertNull(lexer.until('['));
        assertEquals(" tail", lexer.rest());
    }

    @Test
    void aWordCountsOnlyWhenASpaceOrTabFollowsIt() {
        assertTrue(new LineLexer("%include\tfile").takeWord("%include"));
        assertFalse(new LineLexer("%include").takeWord("%include"), "nothing follows");
        assertFalse(new LineLexer("%includes x").takeWord("%include"));
        LineLexer lexer = new LineLexer("%include  path ");
        lexer.takeWord("%include");
        assertEquals("path", lexer.rest().strip());
    }

    @Test
    void blanksAreWhitespaceOfAnyKind() {
        LineLexer lexer = new LineLexer(" \t\r\u000bx").skipBlanks();
        assertEquals('x', lexer.peek());
        assertTrue(new LineLexer("  ").skipBlanks().atEnd());
    }
}
