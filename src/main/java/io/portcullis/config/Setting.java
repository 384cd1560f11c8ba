package io.portcullis.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One process-wide runtime setting, described once: its {@code /api/v1/settings} field, its application
 * property (the default), its type and bounds, PgBouncer's name for it and what it means. Everything that
 * lists, reads, checks, documents or imports settings walks {@link RuntimeSettings#ALL} instead of naming
 * each one: the properties defaults, the stored overrides ({@link SettingsConfig}), the values in force
 * ({@link GatewaySettings}), validation, the API body and its OpenAPI schema, {@code SHOW CONFIG}, the
 * PgBouncer importer and {@code docs/settings.md}. The code that uses a setting reads it by its descriptor,
 * {@code live.current().get(RuntimeSettings.QUERY_WAIT_TIMEOUT)}.
 *
 * <p>Compared by identity: each descriptor is a constant of {@link RuntimeSettings}.
 *
 * @param <T> {@link Duration}, {@link Integer} or {@link String}
 */
public final class Setting<T> {

    /** The longest any duration setting may be; beyond it a "timeout" is a typo. */
    public static final Duration MAX_DURATION = Duration.ofDays(30);

    /** How values are written and checked. */
    public enum Kind {
        /** A {@link Duration}: {@link SettingDurations} text in the API, the store and the properties. */
        DURATION,
        /** An {@link Integer}: a JSON number. */
        INTEGER,
        /** A {@link String}: a JSON string. */
        TEXT
    }

    private final int index;
    private final String name;
    private final String property;
    private final Kind kind;
    private final Class<T> type;
    private final String defaultText;
    private final T defaultValue;
    private final long min;
    private final long max;
    private final String pgbouncer;
    private final boolean live;
    private final String meaning;

    /**
     * @param min durations: 0 = "at least 0", 1 = "more than 0"; integers: the least value; text: unused
     * @param max durations: unused ({@link #MAX_DURATION}); integers: the greatest value; text: the most characters
     */
    Setting(int index, String name, String property, Kind kind, Class<T> type, String defaultText, long min, long max,
            String pgbouncer, boolean live, String meaning) {
        this.index = index;
        this.name = Objects.requireNonNull(name);
        this.property = Objects.requireNonNull(property);
        this.kind = Objects.requireNonNull(kind);
        this.type = Objects.requireNonNull(type);
        this.defaultText = Objects.requireNonNull(defaultText);
        this.min = min;
        this.max = max;
        this.pgbouncer = pgbouncer;
        this.live = live;
        this.meaning = Objects.requireNonNull(meaning);
        this.defaultValue = parse(defaultText, property);
        List<String> problems = new java.util.ArrayList<>();
        check(defaultValue, "", problems);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("the default of " + name + " is out of its bounds: " + problems);
        }
    }

    /** Position in {@link RuntimeSettings#ALL}. */
    int index() {
        return index;
    }

    /** The {@code /api/v1/settings} field and the key of the stored override, e.g. {@code queryWaitTimeout}. */
    public String name() {
        return name;
    }

    /** The application property whose value is the default, e.g. {@code portcullis.pool.query-wait-timeout}. */
    public String property() {
        return property;
    }

    public Kind kind() {
        return kind;
    }

    public Class<T> type() {
        return type;
    }

    /** The built-in default as the properties write it, e.g. {@code 120s}. */
    public String defaultText() {
        return defaultText;
    }

    /** The built-in default, parsed. */
    public T defaultValue() {
        return defaultValue;
    }

    /** PgBouncer's name ({@code query_wait_timeout}), or null when PgBouncer has no such setting. */
    public String pgbouncer() {
        return pgbouncer;
    }

    /** Whether a change applies to running pools and sessions without a restart. */
    public boolean live() {
        return live;
    }

    /** One line: what the setting does, what 0 means, how it differs from PgBouncer. */
    public String meaning() {
        return meaning;
    }

    /**
     * Reads a value written as the API, the store and the properties write it.
     *
     * @param field named in the refusal, e.g. {@code queryTimeout}
     * @throws ConfigException naming {@code field} when the text is not a value of this kind
     */
    public T parse(String text, String field) {
        return type.cast(switch (kind) {
            case DURATION -> SettingDurations.parse(text, field);
            case INTEGER -> {
                try {
                    yield Integer.valueOf(text == null ? "" : text.strip());
                } catch (NumberFormatException e) {
                    throw new ConfigException(field + " must be a whole number, not '" + text + "'");
                }
            }
            case TEXT -> text == null ? "" : text;
        });
    }

    /** The value as the API, the store and the properties write it: {@code 30s}, {@code 200}, the text itself. */
    public String format(Object value) {
        return switch (kind) {
            case DURATION -> SettingDurations.format((Duration) value);
            case INTEGER, TEXT -> String.valueOf(value);
        };
    }

    /** The value as JSON carries it: durations as text, integers as numbers. */
    public Object json(Object value) {
        return kind == Kind.DURATION ? format(value) : value;
    }

    /**
     * Adds to {@code errors} what is wrong with {@code value}, each message starting with {@code where} and
     * this setting's name (e.g. {@code settings: queryWaitTimeout must be at least 0, not -1s}).
     */
    public void check(Object value, String where, List<String> errors) {
        String field = where + name;
        switch (kind) {
            case DURATION -> {
                Duration d = (Duration) value;
                boolean positive = min > 0;
                if (d.isNegative() || (positive && d.isZero())) {
                    errors.add(field + " must be " + (positive ? "more than" : "at least") + " 0, not "
                            + SettingDurations.format(d));
                } else if (d.compareTo(MAX_DURATION) > 0) {
                    errors.add(field + " must be at most " + MAX_DURATION.toDays() + "d, not " + SettingDurations.format(d));
                } else if (d.toNanos() % 1_000_000 != 0) {
                    errors.add(field + " must be a whole number of milliseconds, not " + d);
                }
            }
            case INTEGER -> {
                int n = (Integer) value;
                if (n < min || n > max) {
                    errors.add(field + " must be between " + min + " and " + max + ", not " + n);
                }
            }
            case TEXT -> {
                String s = (String) value;
                if (s.length() > max) {
                    errors.add(field + " must be at most " + max + " characters");
                }
                if (s.indexOf('\0') >= 0) {
                    errors.add(field + " must not contain a NUL character");
                }
            }
        }
    }

    /** The bounds in words, for the docs and the OpenAPI schema: {@code 0s to 30d}, {@code 0 to 100000}. */
    public String bounds() {
        return switch (kind) {
            case DURATION -> (min > 0 ? "more than 0s" : "0s") + " to " + MAX_DURATION.toDays() + "d, whole ms";
            case INTEGER -> min + " to " + max;
            case TEXT -> "at most " + max + " characters, no NUL";
        };
    }

    /** The least integer value (integers only). */
    public long minimum() {
        return min;
    }

    /** The greatest integer value, or the most characters of a text. */
    public long maximum() {
        return max;
    }

    @Override
    public String toString() {
        return name;
    }
}
