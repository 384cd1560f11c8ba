package io.portcullis.testing;

import org.jboss.logmanager.ExtLogRecord;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Collects what the application logs while it is open, one entry per record: the logger's name, a space, the
 * formatted message (and the exception, if any). The tests and the application share one JVM and one root logger.
 */
public final class LogCapture implements AutoCloseable {

    private final Queue<String> records = new ConcurrentLinkedQueue<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
            records.add(record.getLoggerName() + " " + message + (record.getThrown() == null ? "" : " " + record.getThrown()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private LogCapture() {
        Logger.getLogger("").addHandler(handler);
    }

    public static LogCapture start() {
        return new LogCapture();
    }

    public List<String> records() {
        return List.copyOf(records);
    }

    /** Waits up to {@code timeout} for a record that matches; fails with everything captured otherwise. */
    public String await(Predicate<String> wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (String record : records) {
                if (wanted.test(record)) {
                    return record;
                }
            }
            Thread.sleep(20);
        }
        return fail("no such log record within " + timeout + "; captured:\n" + String.join("\n", records));
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(handler);
    }
}
