package io.portcullis.migrate;

import io.portcullis.migrate.UserlistEntry.SecretKind;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UserlistParserTest {

    @Test
    void readsTheFixtureWithQuotingCommentsAndEveryKindOfSecret() {
        List<UserlistEntry> entries = UserlistParser.parse("userlist.txt", Fixtures.read("full/userlist.txt"));
        assertEquals(List.of("alice", "bob", "carol", "reporter", "legacy_app", "dave \"the admin\"", "erin"),
                entries.stream().map(UserlistEntry::user).toList());
        assertEquals(List.of(2, 3, 4, 5, 6, 7, 8), entries.stream().map(UserlistEntry::line).toList());
        assertEquals(List.of(SecretKind.PLAIN, SecretKind.MD5, SecretKind.SCRAM, SecretKind.MD5, SecretKind.PLAIN,
                SecretKind.PLAIN, SecretKind.PLAIN), entries.stream().map(UserlistEntry::kind).toList());
        assertEquals("pa\"ss word", entries.get(4).secret());
        assertEquals("md599c1ccb870bb69eb944ea71626dc67d2", entries.get(3).secret(), "trailing fields ignored");
        assertEquals("", entries.get(6).secret());
    }

    @Test
    void anythingBetweenTheFieldsIsIgnoredAsInPgBouncer() {
        List<UserlistEntry> entries = UserlistParser.parse("u", "\"a\"\t,\"b\"\n");
        assertEquals("b", entries.get(0).secret());
    }

    @Test
    void toStringHidesTheSecret() {
        UserlistEntry entry = UserlistParser.parse("u", "\"a\" \"hunter2\"").get(0);
        assertFalse(entry.toString().contains("hunter2"), entry.toString());
    }

    @Test
    void brokenLinesAreErrorsWithTheirLineNumber() {
        PgBouncerSyntaxException hash = assertThrows(PgBouncerSyntaxException.class,
                () -> UserlistParser.parse("userlist.txt", "\"a\" \"b\"\n# comment\n"));
        assertEquals(2, hash.line());
        assertTrue(hash.getMessage().contains("use ';'"), hash.getMessage());
        assertEquals(1, assertThrows(PgBouncerSyntaxException.class,
                () -> UserlistParser.parse("u", "alice \"x\"")).line());
        assertEquals(1, assertThrows(PgBouncerSyntaxException.class,
                () -> UserlistParser.parse("u", "\"alice")).line());
        assertEquals(1, assertThrows(PgBouncerSyntaxException.class,
                () -> UserlistParser.parse("u", "\"alice\"")).line());
        PgBouncerSyntaxException open = assertThrows(PgBouncerSyntaxException.class,
                () -> UserlistParser.parse("u", "\"alice\" \"hunter2"));
        assertFalse(open.getMessage().contains("hunter2"), open.getMessage());
    }
}
