package io.portcullis.observe;

import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.formatters.JsonFormatter;
import org.jboss.logmanager.handlers.AsyncHandler;
import org.jboss.logmanager.handlers.ConsoleHandler;
import org.junit.jupiter.api.Test;

import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonConsoleLoggingTest {

    @Test
    void consoleHandlerNestedInWrappersGetsAJsonFormatter() {
        ConsoleHandler console = new ConsoleHandler();
        AsyncHandler async = new AsyncHandler();
        async.addHandler(console);
        try {
            assertEquals(1, JsonConsoleLogging.useJson(async));
            assertInstanceOf(JsonFormatter.class, console.getFormatter());
            ExtLogRecord record = new ExtLogRecord(Level.INFO, "login ok database=%s", ExtLogRecord.FormatStyle.PRINTF,
                    JsonConsoleLoggingTest.class.getName());
            record.setParameters(new Object[]{"\"qdb\""});
            record.setLoggerName("io.portcullis.connections");
            String line = console.getFormatter().format(record).trim();
            assertTrue(line.startsWith("{") && line.endsWith("}"), line);
            assertTrue(line.contains("\"loggerName\":\"io.portcullis.connections\""), line);
            assertTrue(line.contains("\"message\":\"login ok database=\\\"qdb\\\"\""), line);
            assertTrue(line.contains("\"level\":\"INFO\""), line);
        } finally {
            async.close();
        }
    }

    @Test
    void otherHandlersAreLeftAlone() {
        assertEquals(0, JsonConsoleLogging.useJson(new java.util.logging.ConsoleHandler()));
    }
}
