package io.portcullis.prepared;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Test helper: hand-built protocol frames, and a reader that turns a byte stream back into short
 * readable names ({@code P(portcullis_1|select 1)}, {@code B(|S_1)}, {@code 1}, {@code Z(I)}), so
 * tests assert what went where in one line.
 */
final class Wire {
    private Wire() {
    }

    static Buffer frame(char type, Buffer body) {
        return Buffer.buffer().appendByte((byte) type).appendInt(body.length() + 4).appendBuffer(body);
    }

    private static Buffer cstrings(String... values) {
        Buffer body = Buffer.buffer();
        for (String value : values) {
            body.appendString(value, "UTF-8").appendByte((byte) 0);
        }
        return body;
    }

    // ---- frontend ----

    static Buffer parse(String name, String query, int... typeOids) {
        Buffer body = cstrings(name, query).appendShort((short) typeOids.length);
        for (int oid : typeOids) {
            body.appendInt(oid);
        }
        return frame('P', body);
    }

    /** Bind with text parameters. */
    static Buffer bind(String portal, String statement, String... parameters) {
        Buffer body = cstrings(portal, statement).appendShort((short) 0).appendShort((short) parameters.length);
        for (String p : parameters) {
            byte[] bytes = p.getBytes(StandardCharsets.UTF_8);
            body.appendInt(bytes.length).appendBytes(bytes);
        }
        return frame('B', body.appendShort((short) 0));
    }

    static Buffer describeStatement(String name) {
        return frame('D', Buffer.buffer().appendByte((byte) 'S').appendBuffer(cstrings(name)));
    }

    static Buffer describePortal(String name) {
        return frame('D', Buffer.buffer().appendByte((byte) 'P').appendBuffer(cstrings(name)));
    }

    static Buffer closeStatement(String name) {
        return frame('C', Buffer.buffer().appendByte((byte) 'S').appendBuffer(cstrings(name)));
    }

    static Buffer execute(String portal) {
        return frame('E', cstrings(portal).appendInt(0));
    }

    static Buffer sync() {
        return frame('S', Buffer.buffer());
    }

    static Buffer flush() {
        return frame('H', Buffer.buffer());
    }

    static Buffer query(String sql) {
        return frame('Q', cstrings(sql));
    }

    // ---- backend ----

    static Buffer parseComplete() {
        return frame('1', Buffer.buffer());
    }

    static Buffer bindComplete() {
        return frame('2', Buffer.buffer());
    }

    static Buffer closeComplete() {
        return frame('3', Buffer.buffer());
    }

    static Buffer parameterDescription() {
        return frame('t', Buffer.buffer().appendShort((short) 0));
    }

    static Buffer rowDescription() {
        return frame('T', Buffer.buffer().appendShort((short) 0));
    }

    static Buffer noData() {
        return frame('n', Buffer.buffer());
    }

    static Buffer dataRow(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        return frame('D', Buffer.buffer().appendShort((short) 1).appendInt(bytes.length).appendBytes(bytes));
    }

    static Buffer commandComplete(String tag) {
        return frame('C', cstrings(tag));
    }

    static Buffer notice(String text) {
        return frame('N', Buffer.buffer().appendByte((byte) 'M').appendBuffer(cstrings(text)).appendByte((byte) 0));
    }

    static Buffer error(String text) {
        return frame('E', Buffer.buffer().appendByte((byte) 'S').appendBuffer(cstrings("ERROR"))
                .appendByte((byte) 'C').appendBuffer(cstrings("00000"))
                .appendByte((byte) 'M').appendBuffer(cstrings(text)).appendByte((byte) 0));
    }

    static Buffer ready() {
        return frame('Z', Buffer.buffer().appendByte((byte) 'I'));
    }

    static Buffer join(Buffer... frames) {
        Buffer all = Buffer.buffer();
        for (Buffer f : frames) {
            all.appendBuffer(f);
        }
        return all;
    }

    // ---- reading back ----

    /** The frames of a frontend stream, named. */
    static List<String> frontend(Buffer stream) {
        return read(stream, true);
    }

    /** The frames of a backend stream, named. */
    static List<String> backend(Buffer stream) {
        return read(stream, false);
    }

    private static List<String> read(Buffer stream, boolean frontend) {
        List<String> names = new ArrayList<>();
        int at = 0;
        while (at < stream.length()) {
            char type = (char) stream.getByte(at);
            int length = stream.getInt(at + 1);
            Buffer body = stream.slice(at + 5, at + 1 + length);
            names.add(name(type, body, frontend));
            at += 1 + length;
        }
        if (at != stream.length()) {
            throw new AssertionError("stream does not end on a frame boundary");
        }
        return names;
    }

    private static String name(char type, Buffer body, boolean frontend) {
        List<String> strings = strings(body);
        if (frontend) {
            return switch (type) {
                case 'P' -> "P(" + strings.get(0) + "|" + strings.get(1) + ")";
                case 'B' -> "B(" + strings.get(0) + "|" + strings.get(1) + ")";
                case 'D', 'C' -> type + "(" + (char) body.getByte(0) + ":" + strings(body.slice(1, body.length())).get(0) + ")";
                case 'E' -> "E(" + strings.get(0) + ")";
                case 'Q' -> "Q(" + strings.get(0) + ")";
                default -> String.valueOf(type);
            };
        }
        return switch (type) {
            case 'C' -> "C(" + strings.get(0) + ")";
            case 'Z' -> "Z(" + (char) body.getByte(0) + ")";
            case 'E' -> "E(" + errorField(body, 'C') + ":" + errorField(body, 'M') + ")";
            case 'D' -> "D";
            default -> String.valueOf(type);
        };
    }

    /** A field of an ErrorResponse body, empty when absent. */
    static String errorField(Buffer body, char code) {
        int at = 0;
        while (at < body.length() && body.getByte(at) != 0) {
            char field = (char) body.getByte(at);
            int end = at + 1;
            while (body.getByte(end) != 0) {
                end++;
            }
            if (field == code) {
                return body.getString(at + 1, end, "UTF-8");
            }
            at = end + 1;
        }
        return "";
    }

    private static List<String> strings(Buffer body) {
        List<String> strings = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < body.length(); i++) {
            if (body.getByte(i) == 0) {
                strings.add(body.getString(start, i, "UTF-8"));
                start = i + 1;
            }
        }
        strings.add("");
        return strings;
    }
}
