package io.portcullis.wire;

import io.vertx.core.buffer.Buffer;

/**
 * Builds one message into a fresh Buffer: writes the type byte (if any) and a placeholder length,
 * then patches the length on {@link #finish()}. Package-private: callers use
 * {@link BackendMessages} and {@link FrontendMessages}.
 */
final class FrameBuilder {
    private final Buffer buffer;
    private final int lengthAt;

    private FrameBuilder(Buffer buffer, int lengthAt) {
        this.buffer = buffer;
        this.lengthAt = lengthAt;
    }

    /** A regular message: type byte, int32 length, body. */
    static FrameBuilder typed(byte type, int bodySizeHint) {
        Buffer buffer = Buffer.buffer(MessageTypes.HEADER_LENGTH + Math.max(0, bodySizeHint));
        buffer.appendByte(type).appendInt(0);
        return new FrameBuilder(buffer, 1);
    }

    /** A startup-phase packet without type byte (StartupMessage, SSLRequest, CancelRequest). */
    static FrameBuilder untyped(int bodySizeHint) {
        Buffer buffer = Buffer.buffer(4 + Math.max(0, bodySizeHint));
        buffer.appendInt(0);
        return new FrameBuilder(buffer, 0);
    }

    FrameBuilder int8(int value) {
        buffer.appendByte((byte) value);
        return this;
    }

    FrameBuilder int16(int value) {
        buffer.appendShort((short) value);
        return this;
    }

    FrameBuilder int32(int value) {
        buffer.appendInt(value);
        return this;
    }

    FrameBuilder bytes(byte[] value) {
        buffer.appendBytes(value);
        return this;
    }

    FrameBuilder bytes(Buffer value) {
        buffer.appendBuffer(value);
        return this;
    }

    /** UTF-8 and a NUL terminator; an embedded NUL is a caller bug ({@link IllegalArgumentException}). */
    FrameBuilder cstring(String value, String what) {
        buffer.appendBytes(WireStrings.cstringBytes(value, what)).appendByte((byte) 0);
        return this;
    }

    /** Raw bytes and a NUL terminator; an embedded NUL is a caller bug. */
    FrameBuilder cstring(byte[] value, String what) {
        for (byte b : value) {
            if (b == 0) {
                throw new IllegalArgumentException(what + " must not contain a NUL byte");
            }
        }
        buffer.appendBytes(value).appendByte((byte) 0);
        return this;
    }

    int length() {
        return buffer.length() - lengthAt;
    }

    /**
     * The start of a message whose last {@code restLength} body bytes the caller sends separately
     * (forwarded unchanged): the length field counts them.
     */
    Buffer finishWithRest(int restLength) {
        if (restLength < 0) {
            throw new IllegalArgumentException("restLength must not be negative");
        }
        buffer.setInt(lengthAt, buffer.length() - lengthAt + restLength);
        return buffer;
    }

    Buffer finish() {
        buffer.setInt(lengthAt, buffer.length() - lengthAt);
        return buffer;
    }
}
