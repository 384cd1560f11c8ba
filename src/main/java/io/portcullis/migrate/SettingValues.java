package io.portcullis.migrate;

import io.portcullis.config.PoolMode;

import java.util.Locale;
import java.util.OptionalInt;

/** Reads PgBouncer setting values; a value that does not read is reported, never guessed. */
final class SettingValues {

    private SettingValues() {
    }

    /** A whole number from {@code min} to {@code max}, or empty. */
    static OptionalInt integer(String value, int min, int max) {
        try {
            int n = Integer.parseInt(value.strip());
            return n < min || n > max ? OptionalInt.empty() : OptionalInt.of(n);
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
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
