package io.portcullis.migrate;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IniParserTest {

    private static List<IniEntry> parse(String text) {
        return new IniParser(IncludeResolver.NONE).parse("pgbouncer.ini", text);
    }

    @Test
    void readsSectionsKeysAndValuesWithLineNumbers() {
        List<IniEntry> entries = parse("""
                ;; comment
                # another comment
                [databases]
                  questdb =  host=127.0.0.1 port=8812\t\s
                
                [pgbouncer]
                listen_port=6432
                """);
        assertEquals(List.of(
                new IniEntry("pgbouncer.ini", 4, "databases", "questdb", "host=127.0.0.1 port=8812"),
                new IniEntry("pgbouncer.ini", 7, "pgbouncer", "listen_port", "6432")), entries);
    }

    @Test
    void commentCharactersLaterInALineAreData() {
        List<IniEntry> entries = parse("[databases]\nd = host=h password=a;b#c ; not a comment\n");
        assertEquals("host=h password=a;b#c ; not a comment", entries.get(0).value());
    }

    @Test
    void quotedKeysAndTheFallbackDatabase() {
        List<IniEntry> entries = parse("[databases]\n"
                + "'my db' = host=a\n"
                + "\"say \"\"hi\"\"\" = host=b\n"
                + "* = host=c\n"
                + "a.b-c_1 = host=d\n");
        assertEquals(List.of("my db", "say \"hi\"", "*", "a.b-c_1"), entries.stream().map(IniEntry::key).toList());
    }

    @Test
    void windowsLineEndingsAreStripped() {
        List<IniEntry> entries = parse("[pgbouncer]\r\npool_mode = session\r\n");
        assertEquals("session", entries.get(0).value());
        assertEquals(2, entries.get(0).line());
    }

    @Test
    void includesAreReadInPlaceAndKeepTheSection() {
        Map<String, String> files = Map.of("conf.d/dbs.ini", "; included\nb = host=b\n%include more.ini\n",
                "more.ini", "c = host=c\n");
        List<IniEntry> entries = new IniParser(IncludeResolver.of(files)).parse("main.ini", """
                [databases]
                a = host=a
                %include conf.d/dbs.ini
                d = host=d
                """);
        assertEquals(List.of("main.ini:2:a", "conf.d/dbs.ini:2:b", "more.ini:1:c", "main.ini:4:d"),
                entries.stream().map(e -> e.file() + ":" + e.line() + ":" + e.key()).toList());
        assertTrue(entries.stream().allMatch(e -> e.section().equals("databases")));
    }

    @Test
    void aMissingIncludeNamesTheLine() {
        PgBouncerSyntaxException e = assertThrows(PgBouncerSyntaxException.class,
                () -> parse("[databases]\n%include /etc/pgbouncer/dbs.ini\n"));
        assertEquals(2, e.line());
        assertEquals("pgbouncer.ini line 2: %include /etc/pgbouncer/dbs.ini: the file is not available", e.getMessage());
    }

    @Test
    void aSelfIncludeStopsAtTheNestingLimit() {
        IncludeResolver self = IncludeResolver.of(Map.of("self.ini", "%include self.ini\n"));
        PgBouncerSyntaxException e = assertThrows(PgBouncerSyntaxException.class,
                () -> new IniParser(self).parse("self.ini", "%include self.ini\n"));
        assertTrue(e.getMessage().contains("nesting deeper than " + IniParser.MAX_INCLUDE_DEPTH), e.getMessage());
    }

    @Test
    void syntaxErrorsNameTheLineAndNeverTheValue() {
        assertEquals("pgbouncer.ini line 2: expected '=' after 'questdb'",
                assertThrows(PgBouncerSyntaxException.class, () -> parse("[databases]\nquestdb host=secret\n")).getMessage());
        assertEquals(3, assertThrows(PgBouncerSyntaxException.class, () -> parse("\n\n[databases\n")).line());
        assertEquals(1, assertThrows(PgBouncerSyntaxException.class, () -> parse("'unterminated = x\n")).line());
        assertEquals(1, assertThrows(PgBouncerSyntaxException.class, () -> parse("= value\n")).line());
        assertEquals(1, assertThrows(PgBouncerSyntaxException.class, () -> parse("[a] b = c\n")).line());
        PgBouncerSyntaxException e = assertThrows(PgBouncerSyntaxException.class, () -> parse("$password = hunter2\n"));
        assertTrue(!e.getMessage().contains("hunter2"), e.getMessage());
    }

    /**
     * Seven small files, each including the next ten times: a few hundred bytes that PgBouncer's loader would
     * expand into a million lines.
     */
    static Map<String, String> includeFanOut(String directory) {
        Map<String, String> files = new java.util.HashMap<>();
        for (int level = 0; level < 6; level++) {
            files.put(directory + "f" + level + ".ini", ("%include " + directory + "f" + (level + 1) + ".ini\n").repeat(10));
        }
        files.put(directory + "f6.ini", "d = host=h\n");
        return files;
    }

    @Test
    void includesThatFanOutAreCappedInLines() {
        Map<String, String> files = includeFanOut("");
        assertTrue(files.values().stream().mapToInt(String::length).sum() < 5_000, "a few hundred bytes in all");
        long start = System.nanoTime();
        PgBouncerSyntaxException e = assertThrows(PgBouncerSyntaxException.class,
                () -> new IniParser(IncludeResolver.of(files)).parse("pgbouncer.ini", "[databases]\n%include f0.ini\n"));
        assertTrue(e.getMessage().contains("more than " + IniParser.MAX_EXPANDED_LINES + " lines in all"), e.getMessage());
        assertTrue(System.nanoTime() - start < 10_000_000_000L, "refused long before a million lines are read");
    }

    @Test
    void includesAreCappedInBytes() {
        String big = "; " + "x".repeat(1_000_000) + "\n";
        String main = "%include big.ini\n".repeat(IniParser.MAX_EXPANDED_BYTES / big.length() + 1);
        PgBouncerSyntaxException e = assertThrows(PgBouncerSyntaxException.class,
                () -> new IniParser(IncludeResolver.of(Map.of("big.ini", big))).parse("pgbouncer.ini", main));
        assertTrue(e.getMessage().contains("more than " + IniParser.MAX_EXPANDED_BYTES + " bytes in all"), e.getMessage());
        String fits = "%include big.ini\n".repeat(IniParser.MAX_EXPANDED_BYTES / big.length() - 1);
        assertEquals(List.of(), new IniParser(IncludeResolver.of(Map.of("big.ini", big))).parse("pgbouncer.ini", fits),
                "below the cap the same includes are read");
    }
}
