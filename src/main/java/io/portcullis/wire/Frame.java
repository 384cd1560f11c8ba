package io.portcullis.wire;

import io.vertx.core.buffer.Buffer;

import java.util.Objects;

/**
 * One whole message: its type byte and its body (the bytes after the int32 length). The readers
 * take absolute offsets into the body and throw {@link ProtocolViolation} when out of range.
 */
public record Frame(byte type, Buffer body) {
    public Frame {
        Objects.requireNonNull(body, "body");
    }

    /** Body length in bytes (the length field minus 4). */
    public int length() {
        return body.length();
    }

    public byte readByte(int offset) {
        check(offset, 1);
        return body.getByte(offset);
    }

    public int readInt(int offset) {
        check(offset, 4);
        return body.getInt(offset);
    }

    public short readShort(int offset) {
        check(offset, 2);
        return body.getShort(offset);
    }

    /** The NUL-terminated UTF-8 string starting at {@code offset} (strict decoding). */
    public String readCString(int offset) {
        int nul = cStringEnd(offset) - 1;
        return WireStrings.decodeStrict(body, offset, nul, "'" + (char) type + "' message string");
    }

    /** The offset just after the NUL that terminates the string starting at {@code offset}. */
    public int cStringEnd(int offset) {
        check(offset, 1);
        int nul = WireStrings.indexOfNul(body, offset, body.length());
        if (nul < 0) {
            throw new ProtocolViolation("'" + (char) type + "' message has a string without NUL terminator");
        }
        return nul + 1;
    }

    /** A cursor over the body, for sequential parsing. */
    public BodyReader reader() {
        return new BodyReader(body, "'" + (char) type + "'");
    }

    private void check(int offset, int count) {
        if (offset < 0 || offset > body.length() - count) {
            throw new ProtocolViolation("'" + (char) type + "' message is too short");
        }
    }
}
