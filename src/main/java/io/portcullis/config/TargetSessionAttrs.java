package io.portcullis.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What a new server connection must be to be used, with libpq 14's {@code target_session_attrs} meanings,
 * checked after the login on each new connection; a host that fails the check is closed and the next one is
 * tried.
 *
 * <ul>
 *   <li>{@link #ANY}: no check.</li>
 *   <li>{@link #READ_WRITE} / {@link #READ_ONLY}: {@code SHOW transaction_read_only} answers {@code off} /
 *       {@code on}.</li>
 *   <li>{@link #PRIMARY} / {@link #STANDBY}: {@code SELECT pg_catalog.pg_is_in_recovery()} answers {@code f} /
 *       {@code t}.</li>
 *   <li>{@link #PREFER_STANDBY}: a standby if any host is one, else any host.</li>
 * </ul>
 * QuestDB answers {@code pg_is_in_recovery()} with {@code f} (it is never a standby) and has no
 * {@code transaction_read_only}: there {@code any}, {@code primary} and {@code prefer-standby} work,
 * {@code standby} finds no host, and {@code read-write}/{@code read-only} fail with an error that says so.
 */
public enum TargetSessionAttrs {
    ANY, READ_WRITE, READ_ONLY, PRIMARY, STANDBY, PREFER_STANDBY;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    @JsonCreator
    public static TargetSessionAttrs of(String value) {
        return Enums.parse(TargetSessionAttrs.class, value, "targetSessionAttrs");
    }
}
