package io.portcullis.wire;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The messages of a query result the gateway answers itself (the admin console): RowDescription,
 * DataRow, CommandComplete and EmptyQueryResponse. Every value travels in text format, as the
 * simple query protocol has it. Each method returns a new Buffer holding exactly one frame.
 */
public final class ResultMessages {

    /** The RowDescription field count is an int16. */
    static final int MAX_COLUMNS = Short.MAX_VALUE;
    /** A DataRow column length of -1 means SQL NULL. */
    private static final int NULL_LENGTH = -1;
    private static final int TEXT_FORMAT = 0;
    private static final int NO_TYPE_MODIFIER = -1;

    private ResultMessages() {
    }

    /** RowDescription: one field per column, in order. */
    public static Buffer rowDescription(List<FieldDescription> columns) {
        checkColumnCount(columns.size());
        FrameBuilder frame = FrameBuilder.typed(MessageTypes.ROW_DESCRIPTION, 2 + 32 * columns.size())
                .int16(columns.size());
        for (FieldDescription column : columns) {
            frame.cstring(column.name(), "column name")
                    .int32(0)                 // no table
                    .int16(0)                 // no column number
                    .int32(column.typeOid())
                    .int16(column.typeLength())
                    .int32(NO_TYPE_MODIFIER)
                    .int16(TEXT_FORMAT);
        }
        return frame.finish();
    }

    /** DataRow with text values; a null element is SQL NULL. */
    public static Buffer dataRow(List<String> values) {
        checkColumnCount(values.size());
        FrameBuilder frame = FrameBuilder.typed(MessageTypes.DATA_ROW, 2 + 16 * values.size()).int16(values.size());
        for (String value : values) {
            if (value == null) {
                frame.int32(NULL_LENGTH);
            } else {
                byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
                frame.int32(bytes.length).bytes(bytes);
            }
        }
        return frame.finish();
    }

    /** CommandComplete with its tag ({@code SHOW}, {@code PAUSE}, {@code SELECT 3}...). */
    public static Buffer commandComplete(String tag) {
        return FrameBuilder.typed(MessageTypes.COMMAND_COMPLETE, tag.length() + 1).cstring(tag, "command tag").finish();
    }

    /** EmptyQueryResponse: the answer to a query string with no command in it. */
    public static Buffer emptyQueryResponse() {
        return FrameBuilder.typed(MessageTypes.EMPTY_QUERY_RESPONSE, 0).finish();
    }

    private static void checkColumnCount(int count) {
        if (count > MAX_COLUMNS) {
            throw new IllegalArgumentException("at most " + MAX_COLUMNS + " columns, not " + count);
        }
    }
}
