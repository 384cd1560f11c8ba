package io.portcullis.migrate;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code import-pgbouncer} command on files it must refuse before anything is stored. */
class ImportPgBouncerCommandTest {

    @Test
    void includesThatFanOutAreRefusedNamingTheLimit(@TempDir Path dir) throws Exception {
        for (Map.Entry<String, String> file : IniParserTest.includeFanOut(dir + "/").entrySet()) {
            Files.writeString(Path.of(file.getKey()), file.getValue());
        }
        Path ini = dir.resolve("pgbouncer.ini");
        Files.writeString(ini, "[databases]\n%include " + dir.resolve("f0.ini") + "\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ImportPgBouncerCommand command = new ImportPgBouncerCommand(new PgBouncerImporter(null, null, 4096), new ObjectMapper());
        int exit = command.run(new String[] {"--ini", ini.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String message = err.toString(StandardCharsets.UTF_8);
        assertEquals(ImportPgBouncerCommand.UNREADABLE, exit, message);
        assertTrue(message.startsWith("cannot import: ") && message.contains("more than " + IniParser.MAX_EXPANDED_LINES
                + " lines in all"), message);
        assertEquals("", out.toString(StandardCharsets.UTF_8), "no report");
    }

    @Test
    void fileNamesFromIncludeLinesCannotWriteLinesOfTheirOwn(@TempDir Path dir) throws Exception {
        Path ini = dir.resolve("pgbouncer.ini");
        Files.writeString(ini, "[databases]\n%include missing\r\u001b[2Kforged.ini\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new ImportPgBouncerCommand(new PgBouncerImporter(null, null, 4096), new ObjectMapper())
                .run(new String[] {"--ini", ini.toString()}, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        String message = err.toString(StandardCharsets.UTF_8);
        assertEquals(ImportPgBouncerCommand.UNREADABLE, exit, message);
        assertTrue(message.contains("missing\\r\\u001b[2Kforged.ini"), message);
        assertEquals(1, message.lines().count(), message);
    }
}
