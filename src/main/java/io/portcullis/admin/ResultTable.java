package io.portcullis.admin;

import io.portcullis.wire.FieldDescription;
import io.portcullis.wire.ResultMessages;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A result set of the console: the columns, then rows of text values, written as RowDescription,
 * DataRows and CommandComplete. Values are given as Java values and turned into PostgreSQL's text
 * form here (numbers in decimal, booleans as 0/1 as PgBouncer shows them, null as SQL NULL).
 */
final class ResultTable {

    /** PgBouncer's command tag for every SHOW. */
    static final String SHOW_TAG = "SHOW";

    private final List<FieldDescription> columns;
    private final List<List<String>> rows = new ArrayList<>();

    ResultTable(List<FieldDescription> columns) {
        this.columns = List.copyOf(columns);
    }

    ResultTable(FieldDescription... columns) {
        this(Arrays.asList(columns));
    }

    /** Adds a row; there must be exactly one value per column. */
    ResultTable row(Object... values) {
        if (values.length != columns.size()) {
            throw new IllegalArgumentException(values.length + " values for " + columns.size() + " columns");
        }
        List<String> texts = new ArrayList<>(values.length);
        for (Object value : values) {
            texts.add(text(value));
        }
        rows.add(texts);
        return this;
    }

    List<FieldDescription> columns() {
        return columns;
    }

    List<List<String>> rows() {
        return rows;
    }

    /** RowDescription, one DataRow per row, CommandComplete {@code SHOW}. */
    Buffer write() {
        Buffer out = Buffer.buffer(256 + rows.size() * 64).appendBuffer(ResultMessages.rowDescription(columns));
        for (List<String> row : rows) {
            out.appendBuffer(ResultMessages.dataRow(row));
        }
        return out.appendBuffer(ResultMessages.commandComplete(SHOW_TAG));
    }

    private static String text(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Boolean flag) {
            return flag ? "1" : "0";
        }
        return value.toString();
    }
}
