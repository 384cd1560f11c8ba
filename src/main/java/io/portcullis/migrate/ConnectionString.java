package io.portcullis.migrate;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The value of a {@code [databases]} or {@code [users]} line: {@code key=value} pairs separated by
 * blanks, as PgBouncer's loader reads them (close to libpq, but not libpq):
 * <ul>
 *   <li>blanks may surround {@code =};</li>
 *   <li>a value is either a run of characters up to the next space, or text in single quotes where
 *       {@code ''} stands for one quote ({@code connect_query='SELECT ''x'''});</li>
 *   <li>an empty value is an error; a key given twice keeps its last value.</li>
 * </ul>
 */
public final class ConnectionString {

    /** Keys whose values are secrets: never shown in a report. */
    private static final java.util.Set<String> SECRET_KEYS = java.util.Set.of("password");
    static final String HIDDEN = "(hidden)";

    private final Map<String, String> params;

    private ConnectionString(Map<String, String> params) {
        this.params = Collections.unmodifiableMap(params);
    }

    /**
     * @throws IllegalArgumentException naming the key at fault (never its value)
     */
    public static ConnectionString parse(String text) {
        Map<String, String> params = new LinkedHashMap<>();
        LineLexer lexer = new LineLexer(text).skipBlanks();
        while (!lexer.atEnd()) {
            String key = lexer.run(c -> c != '=' && !Character.isWhitespace(c));
            if (key.isEmpty() || !lexer.equalsSign()) {
                throw new IllegalArgumentException(key.isEmpty()
                        ? "expected key=value"
                        : "expected '=' after '" + key + "'");
            }
            String value;
            if (lexer.at('\'')) {
                value = lexer.quoted(true);
                if (value == null) {
                    throw new IllegalArgumentException("the value of '" + key + "' needs a closing quote");
                }
                if (!lexer.atEnd() && !Character.isWhitespace(lexer.peek())) {
                    throw new IllegalArgumentException("a blank must follow the quoted value of '" + key + "'");
                }
            } else {
                value = lexer.run(c -> c != ' ');
            }
            if (value.isEmpty()) {
                throw new IllegalArgumentException("'" + key + "' has an empty value");
            }
            params.put(key, value);
            lexer.skipBlanks();
        }
        return new ConnectionString(params);
    }

    /** The parameters in the order written (a repeated key at its first position, with its last value). */
    public Map<String, String> params() {
        return params;
    }

    public String get(String key) {
        return params.get(key);
    }

    /** The connection string with secret values replaced, fit for a report. */
    public String redacted() {
        return params.entrySet().stream()
                .map(e -> e.getKey() + "=" + shown(e.getKey(), e.getValue()))
                .collect(Collectors.joining(" "));
    }

    /** {@code value}, or a placeholder when {@code key} names a secret. */
    static String shown(String key, String value) {
        return SECRET_KEYS.contains(key) ? HIDDEN : value;
    }
}
