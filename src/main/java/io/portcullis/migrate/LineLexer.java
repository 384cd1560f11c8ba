package io.portcullis.migrate;

/**
 * A cursor over one line of PgBouncer's text formats, with the pieces its three readers share
 * ({@link IniParser}, {@link UserlistParser}, {@link ConnectionString}): blanks, quoted strings,
 * runs of characters and the {@code =} of a {@code key=value} pair. The readers decide what a name
 * and a value are, which quote they use and what to report; this class only moves along the line.
 *
 * <p>Blanks are whatever {@link Character#isWhitespace(char)} says, as PgBouncer's loader skips
 * with {@code isspace}. Not thread-safe; one per line.
 */
final class LineLexer {

    /** Which characters a {@link #run} takes. */
    @FunctionalInterface
    interface CharTest {
        boolean test(char c);
    }

    private final String text;
    private int pos;

    LineLexer(String text) {
        this.text = text;
    }

    boolean atEnd() {
        return pos >= text.length();
    }

    /** The character at the cursor; only when not {@link #atEnd()}. */
    char peek() {
        return text.charAt(pos);
    }

    /** Whether the character at the cursor is {@code c}. */
    boolean at(char c) {
        return pos < text.length() && text.charAt(pos) == c;
    }

    /** Moves past the blanks at the cursor. */
    LineLexer skipBlanks() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
        return this;
    }

    /** Consumes {@code c} when it is at the cursor. */
    boolean take(char c) {
        if (at(c)) {
            pos++;
            return true;
        }
        return false;
    }

    /**
     * Consumes {@code word} when it is at the cursor and a space or tab follows it (a directive such
     * as {@code %include path}, where a name that merely starts with the word is something else).
     */
    boolean takeWord(String word) {
        int end = pos + word.length();
        if (text.startsWith(word, pos) && end < text.length() && (text.charAt(end) == ' ' || text.charAt(end) == '\t')) {
            pos = end;
            return true;
        }
        return false;
    }

    /** The characters from the cursor on while {@code test} holds (possibly none); the cursor moves past them. */
    String run(CharTest test) {
        int start = pos;
        while (pos < text.length() && test.test(text.charAt(pos))) {
            pos++;
        }
        return text.substring(start, pos);
    }

    /**
     * The text from the cursor up to the next {@code c}, leaving the cursor on that {@code c}; null,
     * the cursor unmoved, when no {@code c} follows.
     */
    String until(char c) {
        int found = text.indexOf(c, pos);
        if (found < 0) {
            return null;
        }
        String skipped = text.substring(pos, found);
        pos = found;
        return skipped;
    }

    /** The rest of the line; the cursor moves to its end. */
    String rest() {
        String rest = text.substring(pos);
        pos = text.length();
        return rest;
    }

    /**
     * Blanks, {@code =}, blanks: what separates a key from its value.
     *
     * @return false, the cursor after the blanks, when no {@code =} comes
     */
    boolean equalsSign() {
        if (!skipBlanks().take('=')) {
            return false;
        }
        skipBlanks();
        return true;
    }

    /**
     * Reads a quoted string whose opening quote is at the cursor, up to the same quote closing it;
     * the cursor moves past the closing quote.
     *
     * @param doubledQuoteEscapes whether a doubled quote inside stands for one quote (PgBouncer's
     *     double quotes everywhere and single quotes in connection strings; single-quoted INI names
     *     have no escape)
     * @return the text between the quotes, unescaped; null when the line ends before the closing quote
     */
    String quoted(boolean doubledQuoteEscapes) {
        char quote = text.charAt(pos);
        StringBuilder out = new StringBuilder();
        int p = pos + 1;
        while (p < text.length()) {
            char c = text.charAt(p);
            if (c == quote) {
                if (doubledQuoteEscapes && p + 1 < text.length() && text.charAt(p + 1) == quote) {
                    out.append(quote);
                    p += 2;
                    continue;
                }
                pos = p + 1;
                return out.toString();
            }
            out.append(c);
            p++;
        }
        pos = text.length();
        return null;
    }
}
