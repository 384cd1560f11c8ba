package io.portcullis.wire;

import io.vertx.core.buffer.Buffer;

/**
 * A cursor over one message body (the bytes after type and length). Every read checks the bounds and
 * throws {@link ProtocolViolation} when the body is too short, so parsers never see an
 * IndexOutOfBoundsException from peer-controlled input.
 */
public final class BodyReader {
    private final Buffer body;
    private final String message;
    private int position;

    /**
     * @param body the message body
     * @param message the message's name, for error texts ("Bind", "ParameterStatus")
     */
    public BodyReader(Buffer body, String message) {
        this.body = body;
        this.message = message;
    }

    public int position() {
        return position;
    }

    public int remaining() {
        return body.length() - position;
    }

    public byte readByte() {
        require(1);
        return body.getByte(position++);
    }

    public short readShort() {
        require(2);
        short value = body.getShort(position);
        position += 2;
        return value;
    }

    public int readInt() {
        require(4);
        int value = body.getInt(position);
        position += 4;
        return value;
    }

    /** A NUL-terminated string, strictly UTF-8 (for names the gateway keeps and re-encodes). */
    public String readCString() {
        int nul = WireStrings.indexOfNul(body, position, body.length());
        if (nul < 0) {
            throw new ProtocolViolation(message + " message has a string without NUL terminator");
        }
        String value = WireStrings.decodeStrict(body, position, nul, message + " string");
        position = nul + 1;
        return value;
    }

    /** A NUL-terminated string, malformed UTF-8 replaced (for text the gateway only relays). */
    public String readCStringLenient() {
        int nul = WireStrings.indexOfNul(body, position, body.length());
        if (nul < 0) {
            throw new ProtocolViolation(message + " message has a string without NUL terminator");
        }
        String value = WireStrings.decodeLenient(body, position, nul);
        position = nul + 1;
        return value;
    }

    /** The next {@code length} bytes as a copy. */
    public byte[] readBytes(int length) {
        if (length < 0) {
            throw new ProtocolViolation(message + " message has a negative length");
        }
        require(length);
        byte[] bytes = body.getBytes(position, position + length);
        position += length;
        return bytes;
    }

    /** Everything after the cursor, as a copy independent of the body. */
    public Buffer readRest() {
        Buffer rest = body.getBuffer(position, body.length());
        position = body.length();
        return rest;
    }

    /** Throws unless the whole body has been read. */
    public void expectEnd() {
        if (position != body.length()) {
            throw new ProtocolViolation(message + " message has " + remaining() + " unexpected trailing bytes");
        }
    }

    private void require(int count) {
        if (body.length() - position < count) {
            throw new ProtocolViolation(message + " message is too short");
        }
    }
}
