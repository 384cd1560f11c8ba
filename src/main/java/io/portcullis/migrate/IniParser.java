package io.portcullis.migrate;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads PgBouncer's INI dialect, following what PgBouncer's own loader accepts rather than generic
 * INI conventions:
 * <ul>
 *   <li>A line whose first non-blank character is {@code ;} or {@code #} is a comment. The characters
 *       are not special later in a line, so {@code password=a;b} keeps its {@code ;b}.</li>
 *   <li>{@code [name]} starts a section; names are case-sensitive.</li>
 *   <li>A key is a run of letters, digits, {@code _ . - *}, or any text in single quotes
 *       ({@code 'my db' = ...}). Double quotes, with {@code ""} for a quote, are accepted too, as the
 *       PgBouncer documentation describes them.</li>
 *   <li>Blanks around {@code =} are skipped; the value is the rest of the line without trailing blanks.
 *       Values are not unquoted here: connection strings have their own quoting
 *       ({@link ConnectionString}).</li>
 *   <li>{@code %include path} (a blank after {@code %include}) reads another file in place, nested
 *       at most {@value #MAX_INCLUDE_DEPTH} deep, as in PgBouncer. Unlike PgBouncer, the text read in all
 *       (each file counted every time it is included) is capped at {@value #MAX_EXPANDED_LINES} lines and
 *       {@value #MAX_EXPANDED_BYTES} bytes: ten files of ten {@code %include} lines each would otherwise
 *       expand a few kilobytes into millions of lines.</li>
 * </ul>
 * Anything else is a syntax error naming the file and line, as PgBouncer would refuse to start.
 */
public final class IniParser {

    /** PgBouncer's own limit; also what stops a file that includes itself. */
    public static final int MAX_INCLUDE_DEPTH = 10;
    /**
     * Lines read in all, the main file and every inclusion of every included file: far beyond a real
     * configuration (a few hundred lines; one per database at the very most), small enough that the entries
     * kept for them stay a few tens of megabytes.
     */
    public static final int MAX_EXPANDED_LINES = 100_000;
    /** Bytes (UTF-8) read in all, counted like {@link #MAX_EXPANDED_LINES}. */
    public static final int MAX_EXPANDED_BYTES = 8 * 1024 * 1024;
    private static final String INCLUDE = "%include";

    private final IncludeResolver includes;

    public IniParser(IncludeResolver includes) {
        this.includes = includes;
    }

    /**
     * @param file the name reports use for this text
     * @return the {@code key = value} lines in file order, includes expanded where they stand
     * @throws PgBouncerSyntaxException at the first line PgBouncer would not accept
     */
    public List<IniEntry> parse(String file, String text) {
        List<IniEntry> entries = new ArrayList<>();
        Expansion expansion = new Expansion();
        expansion.add(file, 0, text);
        parse(file, text, 0, new String[] {""}, entries, expansion);
        return entries;
    }

    /** What has been read so far, against {@link #MAX_EXPANDED_LINES} and {@link #MAX_EXPANDED_BYTES}. */
    private static final class Expansion {
        private long lines;
        private long bytes;

        /** Counts {@code text}, read because of line {@code lineNo} of {@code file} (0: the file itself). */
        void add(String file, int lineNo, String text) {
            lines += lineCount(text);
            bytes += utf8Length(text);
            if (lines > MAX_EXPANDED_LINES) {
                throw new PgBouncerSyntaxException(file, lineNo, "%include expands the configuration to more than "
                        + MAX_EXPANDED_LINES + " lines in all (every included file counted each time it is included); "
                        + "Portcullis refuses larger expansions");
            }
            if (bytes > MAX_EXPANDED_BYTES) {
                throw new PgBouncerSyntaxException(file, lineNo, "%include expands the configuration to more than "
                        + MAX_EXPANDED_BYTES + " bytes in all (every included file counted each time it is included); "
                        + "Portcullis refuses larger expansions");
            }
        }

        private static long lineCount(String text) {
            long count = 1;
            for (int i = 0; i < text.length(); i++) {
                if (text.charAt(i) == '\n') {
                    count++;
                }
            }
            return count;
        }

        private static long utf8Length(String text) {
            long length = 0;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                length += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
            }
            return length;
        }
    }

    private void parse(String file, String text, int depth, String[] section, List<IniEntry> out, Expansion expansion) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            LineLexer line = new LineLexer(lines[i].stripTrailing()).skipBlanks();
            if (line.atEnd()) {
                continue;
            }
            char first = line.peek();
            if (line.takeWord(INCLUDE)) {
                include(file, lineNo, line.rest().strip(), depth, section, out, expansion);
            } else if (first == ';' || first == '#') {
                continue;
            } else if (line.take('[')) {
                section[0] = sectionName(file, lineNo, line);
            } else {
                out.add(keyValue(file, lineNo, section[0], line));
            }
        }
    }

    private void include(String file, int lineNo, String path, int depth, String[] section, List<IniEntry> out,
                         Expansion expansion) {
        if (depth + 1 > MAX_INCLUDE_DEPTH) {
            throw new PgBouncerSyntaxException(file, lineNo, "%include nesting deeper than " + MAX_INCLUDE_DEPTH
                    + " files (does a file include itself?)");
        }
        String content;
        try {
            content = includes.read(path, file).orElseThrow(() -> new PgBouncerSyntaxException(file, lineNo,
                    "%include " + path + ": the file is not available"));
        } catch (UncheckedIOException e) {
            throw new PgBouncerSyntaxException(file, lineNo, "%include " + path + ": " + e.getCause().getMessage());
        }
        expansion.add(file, lineNo, content);
        parse(path, content, depth + 1, section, out, expansion);
    }

    /** The name of a {@code [name]} line, read from just after its {@code [}. */
    private static String sectionName(String file, int lineNo, LineLexer line) {
        String name = line.until(']');
        if (name == null) {
            throw new PgBouncerSyntaxException(file, lineNo, "a section header needs a closing ']'");
        }
        line.take(']');
        if (!line.skipBlanks().atEnd()) {
            throw new PgBouncerSyntaxException(file, lineNo, "nothing may follow ']' on a section header line");
        }
        return name;
    }

    private static IniEntry keyValue(String file, int lineNo, String section, LineLexer line) {
        String key;
        char first = line.peek();
        if (first == '\'' || first == '"') {
            key = line.quoted(first == '"'); // single quotes have no escape in PgBouncer's loader
            if (key == null) {
                throw new PgBouncerSyntaxException(file, lineNo, "a quoted name needs a closing " + first);
            }
            if (key.isEmpty()) {
                throw new PgBouncerSyntaxException(file, lineNo, "a quoted name must not be empty");
            }
        } else {
            key = line.run(IniParser::isKeyChar);
            if (key.isEmpty()) {
                throw new PgBouncerSyntaxException(file, lineNo,
                        "expected a setting name (letters, digits, '_', '.', '-', '*' or a quoted name)");
            }
        }
        if (!line.equalsSign()) {
            throw new PgBouncerSyntaxException(file, lineNo, "expected '=' after '" + key + "'");
        }
        return new IniEntry(file, lineNo, section, key, line.rest());
    }

    private static boolean isKeyChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '_' || c == '.' || c == '-' || c == '*';
    }
}
