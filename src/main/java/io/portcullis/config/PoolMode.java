package io.portcullis.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** When a server connection goes back to the pool. */
public enum PoolMode {
    /** When the client disconnects. */
    SESSION,
    /** At ReadyForQuery with status idle. */
    TRANSACTION,
    /** After every statement; multi-statement transactions are refused. */
    STATEMENT;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    @JsonCreator
    public static PoolMode of(String value) {
        return Enums.parse(PoolMode.class, value, "poolMode");
    }
}
