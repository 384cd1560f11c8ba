package io.portcullis.log;

/**
 * Escapes text that did not come from the operator before it goes into a log line.
 *
 * <p>What is escaped, and why each: line feed and carriage return (a new line is a forged log entry);
 * the other C0 controls and DEL (terminal escape sequences, NUL truncation in some collectors); the C1
 * controls U+0080–U+009F (U+0085 NEL is a line break to some readers); U+2028 and U+2029 (line and
 * paragraph separators, line breaks to JavaScript-based log viewers); and the bidirectional embedding,
 * override and isolate controls U+202A–U+202E and U+2066–U+2069, which make a viewer show text in an
 * order other than the one it has. {@code \n}, {@code \r} and {@code \t} are written as such, everything
 * else as {@code \}{@code uXXXX}. Everything else passes through, so ordinary names stay readable.
 *
 * <p>{@link #escape} leaves backslashes alone (file paths stay readable; a literal backslash-n typed by a
 * client is still on one line). {@link #quote} also escapes backslash and double quote, so a quoted
 * {@code key="value"} field always ends where the quote closes and one field cannot imitate another.
 */
public final class LogText {

    /** What {@link #quote} keeps of a longer value: enough for any real name, bounded for a hostile one. */
    public static final int MAX_QUOTED_LENGTH = 128;

    private LogText() {
    }

    /** {@code value} with control and line-breaking characters escaped; {@code "null"} for null. */
    public static String escape(String value) {
        if (value == null) {
            return "null";
        }
        int first = firstToEscape(value, false);
        if (first < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length() + 16).append(value, 0, first);
        appendEscaped(out, value, first, value.length(), false);
        return out.toString();
    }

    /** {@link #escape} of {@code String.valueOf(value)}, for exceptions and other objects. */
    public static String escape(Object value) {
        return escape(value == null ? null : String.valueOf(value));
    }

    /**
     * {@code "value"} in double quotes, with quote, backslash, control and line-breaking characters escaped
     * and anything beyond {@value #MAX_QUOTED_LENGTH} characters cut off (marked {@code ...}); {@code -} for
     * null.
     */
    public static String quote(String value) {
        if (value == null) {
            return "-";
        }
        boolean cut = value.length() > MAX_QUOTED_LENGTH;
        int end = cut ? MAX_QUOTED_LENGTH : value.length();
        if (cut && Character.isHighSurrogate(value.charAt(end - 1))) {
            end--;
        }
        StringBuilder out = new StringBuilder(end + 8).append('"');
        appendEscaped(out, value, 0, end, true);
        if (cut) {
            out.append("...");
        }
        return out.append('"').toString();
    }

    private static int firstToEscape(String value, boolean quoted) {
        for (int i = 0; i < value.length(); i++) {
            if (needsEscape(value.charAt(i), quoted)) {
                return i;
            }
        }
        return -1;
    }

    private static void appendEscaped(StringBuilder out, String value, int from, int to, boolean quoted) {
        for (int i = from; i < to; i++) {
            char c = value.charAt(i);
            if (!needsEscape(c, quoted)) {
                out.append(c);
                continue;
            }
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '"', '\\' -> out.append('\\').append(c);
                default -> out.append(String.format("\\u%04x", (int) c));
            }
        }
    }

    private static boolean needsEscape(char c, boolean quoted) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029'
                || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069')
                || (quoted && (c == '"' || c == '\\'));
    }
}
