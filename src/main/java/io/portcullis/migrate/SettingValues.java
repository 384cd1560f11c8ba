package io.portcullis.migrate;

import io.portcullis.config.PoolMode;
import io.portcullis.config.Setting;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/** Reads PgBouncer setting values; a value that does not read is reported, never guessed. */
final class SettingValues {

    /**
     * What C's {@code strtod} reads as a decimal number, which is how PgBouncer reads its times
     * ({@code cf_set_time_usec}). Hexadecimal floats, {@code inf} and {@code nan} are left out: no
     * real configuration writes a timeout that way.
     */
    private static final Pattern DECIMAL = Pattern.compile("\\+?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d{1,4})?");
    private static final BigDecimal MAX_SECONDS = BigDecimal.valueOf(Setting.MAX_DURATION.toSeconds());

    private SettingValues() {
    }

    /**
     * A whole decimal number from {@code min} to {@code max}, or empty: the values of connection
     * strings ({@code [databases]}, {@code [users]}), which PgBouncer reads with {@code atoi}.
     */
    static OptionalInt integer(String value, int min, int max) {
        try {
            int n = Integer.parseInt(value.strip());
            return n < min || n > max ? OptionalInt.empty() : OptionalInt.of(n);
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /**
     * A whole number from {@code min} to {@code max} as PgBouncer reads a {@code [pgbouncer]} integer
     * ({@code strtol} with base 0): {@code 0x} starts a hexadecimal number and a leading {@code 0} an
     * octal one, so {@code 010} is 8; empty when it does not read or is out of range.
     */
    static OptionalInt globalInteger(String value, int min, int max) {
        String v = value.strip();
        boolean negative = v.startsWith("-");
        if (negative || v.startsWith("+")) {
            v = v.substring(1);
        }
        int radix = 10;
        if (v.length() > 2 && (v.startsWith("0x") || v.startsWith("0X"))) {
            radix = 16;
            v = v.substring(2);
        } else if (v.length() > 1 && v.startsWith("0")) {
            radix = 8;
            v = v.substring(1);
        }
        if (v.isEmpty() || !Character.isLetterOrDigit(v.charAt(0))) {
            return OptionalInt.empty();
        }
        try {
            long n = Long.parseLong(v, radix);
            n = negative ? -n : n;
            return n < min || n > max ? OptionalInt.empty() : OptionalInt.of((int) n);
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /**
     * A PgBouncer time: a number of seconds, fractions allowed ({@code 0.5}), no unit. Empty when it
     * does not read, is not a whole number of milliseconds (what Portcullis keeps) or is longer than
     * Portcullis's longest setting.
     */
    static Optional<Duration> seconds(String value) {
        String v = value.strip();
        if (!DECIMAL.matcher(v).matches()) {
            return Optional.empty();
        }
        BigDecimal seconds = new BigDecimal(v);
        if (seconds.compareTo(MAX_SECONDS) > 0) {
            return Optional.empty();
        }
        try {
            // PgBouncer keeps microseconds and drops the rest; Portcullis keeps milliseconds.
            BigDecimal micros = seconds.movePointRight(6).setScale(0, java.math.RoundingMode.DOWN);
            long millis = micros.movePointLeft(3).longValueExact();
            return Optional.of(Duration.ofMillis(millis));
        } catch (ArithmeticException notWholeMillis) {
            return Optional.empty();
        }
    }

    /** What {@link #seconds} accepts, for reports. */
    static String secondsRange() {
        return "a number of seconds (fractions to the millisecond) of at most "
                + Setting.MAX_DURATION.toDays() + " days";
    }

    /** {@code session}, {@code transaction} or {@code statement} in any case (PgBouncer compares case-insensitively), or null. */
    static PoolMode poolMode(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "session" -> PoolMode.SESSION;
            case "transaction" -> PoolMode.TRANSACTION;
            case "statement" -> PoolMode.STATEMENT;
            default -> null;
        };
    }

    static String range(int min, int max) {
        return "a whole number from " + min + " to " + max;
    }
}
