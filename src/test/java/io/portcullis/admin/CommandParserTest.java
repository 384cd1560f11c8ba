package io.portcullis.admin;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandParserTest {

    @Test
    void showIsCaseInsensitiveWithOptionalSemicolons() {
        assertEquals(new ConsoleCommand.Show(ConsoleCommand.ShowTarget.POOLS), CommandParser.parse("SHOW POOLS"));
        assertEquals(new ConsoleCommand.Show(ConsoleCommand.ShowTarget.POOLS), CommandParser.parse("  show pools ;"));
        assertEquals(new ConsoleCommand.Show(ConsoleCommand.ShowTarget.STATS_TOTALS), CommandParser.parse("Show\tStats_Totals;;"));
        for (ConsoleCommand.ShowTarget target : ConsoleCommand.ShowTarget.values()) {
            assertEquals(new ConsoleCommand.Show(target), CommandParser.parse("show " + target.name().toLowerCase()));
        }
    }

    @Test
    void controlsTakeAnOptionalOrRequiredDatabase() {
        assertEquals(new ConsoleCommand.Pause(Optional.empty()), CommandParser.parse("pause"));
        assertEquals(new ConsoleCommand.Pause(Optional.of("qdb")), CommandParser.parse("PAUSE qdb;"));
        assertEquals(new ConsoleCommand.Resume(Optional.of("Mixed.Case-db")), CommandParser.parse("resume Mixed.Case-db"));
        assertEquals(new ConsoleCommand.Reconnect(Optional.of("qdb")), CommandParser.parse("RECONNECT qdb"));
        assertEquals(new ConsoleCommand.Kill(Optional.of("qdb")), CommandParser.parse("kill \"qdb\""));
        assertEquals(new ConsoleCommand.WaitClose(Optional.empty()), CommandParser.parse("WAIT_CLOSE"));
        assertEquals(new ConsoleCommand.Disable("qdb"), CommandParser.parse("disable qdb"));
        assertEquals(new ConsoleCommand.Enable("qdb"), CommandParser.parse("ENABLE qdb"));
        assertEquals(new ConsoleCommand.KillClient(42), CommandParser.parse("KILL_CLIENT 42"));
        assertInstanceOf(ConsoleCommand.Shutdown.class, CommandParser.parse("shutdown"));
        assertInstanceOf(ConsoleCommand.Shutdown.class, CommandParser.parse("SHUTDOWN WAIT_FOR_CLIENTS;"));
    }

    @Test
    void emptyTextIsAnEmptyQuery() {
        assertInstanceOf(ConsoleCommand.Empty.class, CommandParser.parse(""));
        assertInstanceOf(ConsoleCommand.Empty.class, CommandParser.parse(" ; "));
    }

    @Test
    void setOfADriverParameterIsRead() {
        assertEquals(new ConsoleCommand.Set("extra_float_digits", "3"), CommandParser.parse("SET extra_float_digits = 3"));
        assertEquals(new ConsoleCommand.Set("application_name", "it's me"),
                CommandParser.parse("set Application_Name TO 'it''s me';"));
    }

    @Test
    void anythingElseIsA42601NamingTheKnownCommands() {
        for (String bad : new String[]{"SELECT 1", "SHOW", "SHOW NONSENSE", "SHOW POOLS EXTRA", "PAUSE a b",
                "DISABLE", "KILL_CLIENT", "KILL_CLIENT x", "SHOW POOLS; SHOW STATS", "SHUTDOWN NOW", "x".repeat(2000)}) {
            ConsoleError e = assertThrows(ConsoleError.class, () -> CommandParser.parse(bad), bad);
            assertEquals(ConsoleError.SYNTAX_ERROR, e.sqlState(), bad);
            assertTrue(e.getMessage().length() < 600, "long input is not echoed whole");
        }
        assertTrue(assertThrows(ConsoleError.class, () -> CommandParser.parse("HELLO")).getMessage().contains("SHOW POOLS"));
        assertTrue(assertThrows(ConsoleError.class, () -> CommandParser.parse("DISABLE")).getMessage().contains("DISABLE db"));
    }

    @Test
    void auditDescriptionsNameTheCommandAndItsTarget() {
        assertEquals("PAUSE 'qdb'", CommandParser.parse("pause qdb").describe());
        assertEquals("PAUSE", CommandParser.parse("pause").describe());
        assertEquals("KILL_CLIENT 7", CommandParser.parse("kill_client 7").describe());
        assertEquals("DISABLE 'x'", CommandParser.parse("disable x").describe());
        assertEquals("SHUTDOWN", CommandParser.parse("shutdown").describe());
    }
}
