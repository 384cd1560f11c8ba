package io.portcullis.wire;

import java.util.Objects;

/**
 * One column of a RowDescription the gateway writes itself (the admin console's result sets). Only
 * the type matters to clients: there is no table behind these columns, so table OID and column
 * number are always 0, the type modifier -1 and the format text.
 *
 * @param name       column name
 * @param typeOid    PostgreSQL type OID, one of the constants here
 * @param typeLength {@code pg_type.typlen}: the byte size of a fixed-size type, -1 for variable length
 */
public record FieldDescription(String name, int typeOid, int typeLength) {

    /** {@code text}. */
    public static final int TEXT_OID = 25;
    /** {@code int4}. */
    public static final int INT4_OID = 23;
    /** {@code int8}. */
    public static final int INT8_OID = 20;
    /** {@code numeric}: PgBouncer's statistics columns use it for unsigned 64-bit counters. */
    public static final int NUMERIC_OID = 1700;
    /** {@code bytea}: raw bytes (PgBouncer's SHOW FDS keys). */
    public static final int BYTEA_OID = 17;

    private static final int VARIABLE_LENGTH = -1;

    public FieldDescription {
        Objects.requireNonNull(name, "name");
    }

    public static FieldDescription text(String name) {
        return new FieldDescription(name, TEXT_OID, VARIABLE_LENGTH);
    }

    public static FieldDescription int4(String name) {
        return new FieldDescription(name, INT4_OID, 4);
    }

    public static FieldDescription int8(String name) {
        return new FieldDescription(name, INT8_OID, 8);
    }

    public static FieldDescription bytea(String name) {
        return new FieldDescription(name, BYTEA_OID, VARIABLE_LENGTH);
    }

    public static FieldDescription numeric(String name) {
        return new FieldDescription(name, NUMERIC_OID, VARIABLE_LENGTH);
    }
}
