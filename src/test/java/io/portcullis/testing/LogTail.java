package io.portcullis.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads the end of a backend's log file, to put into a startup failure message. */
final class LogTail {

    /** Lines of log quoted in a failure message: enough for a stack trace, short enough to read. */
    static final int DEFAULT_LINES = 40;

    private LogTail() {
    }

    /** The last {@code lines} lines of {@code file}, or a note saying why it could not be read. */
    static String of(Path file, int lines) {
        try {
            if (!Files.exists(file)) {
                return "(no log file at " + file + ")";
            }
            // Decoded leniently: a backend may write bytes that are not valid UTF-8.
            List<String> all = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
            List<String> tail = all.subList(Math.max(0, all.size() - lines), all.size());
            return "last " + tail.size() + " lines of " + file + ":\n" + String.join("\n", tail);
        } catch (IOException | RuntimeException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    static String of(Path file) {
        return of(file, DEFAULT_LINES);
    }
}
