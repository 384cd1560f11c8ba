package io.portcullis.wire;

import io.vertx.core.buffer.Buffer;

import static io.portcullis.wire.MessageTypes.HEADER_LENGTH;

/**
 * Splits a byte stream into whole typed frames, for the login phase where the gateway reads every
 * message (client auth responses, the backend's answers to our login). Frames are copied out, which
 * is fine for a handful of small messages; the forwarding path uses {@link FrameScanner} instead.
 *
 * <p>A frame longer than {@code maxFrameLength} is rejected as soon as its header is buffered, before
 * any of its body is waited for. Not thread-safe; one per connection.
 */
public final class FrameDecoder {
    /**
     * The smallest value of a length field: it counts its own 4 bytes, so anything less cannot be
     * followed (PostgreSQL closes the connection too). {@link FrameScanner} enforces the same rule.
     */
    public static final int MIN_FRAME_LENGTH = 4;
    /**
     * Largest frame a client may send while logging in (PasswordMessage, SASL responses): these are
     * tens to hundreds of bytes, so anything bigger is an attack on memory, not a login.
     */
    public static final int MAX_AUTH_FRAME_LENGTH = 8192;
    /**
     * Largest frame accepted from a backend during our login to it: ParameterStatus values and
     * ErrorResponse texts can be longer than client auth messages, but never near this.
     */
    public static final int MAX_BACKEND_LOGIN_FRAME_LENGTH = 65_536;

    private final int maxFrameLength;
    private Buffer pending = Buffer.buffer(0);
    private int readPosition;

    /** @param maxFrameLength largest accepted value of the length field (which counts itself) */
    public FrameDecoder(int maxFrameLength) {
        if (maxFrameLength < MIN_FRAME_LENGTH) {
            throw new IllegalArgumentException("maxFrameLength must be at least " + MIN_FRAME_LENGTH);
        }
        this.maxFrameLength = maxFrameLength;
    }

    /** Appends a chunk; throws {@link ProtocolViolation} if the next frame's header is already invalid. */
    public void offer(Buffer chunk) {
        if (readPosition > 0) {
            pending = pending.getBuffer(readPosition, pending.length());
            readPosition = 0;
        }
        pending.appendBuffer(chunk);
        if (pending.length() >= HEADER_LENGTH) {
            checkLength(pending.getInt(1));
        }
    }

    /** The next whole frame (body copied), or null when more bytes are needed. */
    public Frame next() {
        int available = pending.length() - readPosition;
        if (available < HEADER_LENGTH) {
            return null;
        }
        byte type = pending.getByte(readPosition);
        int length = pending.getInt(readPosition + 1);
        checkLength(length);
        if (available - 1 < length) { // not "available < 1 + length": that overflows for a length near 2^31
            return null;
        }
        Buffer body = pending.getBuffer(readPosition + HEADER_LENGTH, readPosition + 1 + length);
        readPosition += 1 + length;
        if (readPosition == pending.length()) {
            pending = Buffer.buffer(0);
            readPosition = 0;
        }
        return new Frame(type, body);
    }

    /** Number of bytes buffered and not yet returned as frames. */
    public int buffered() {
        return pending.length() - readPosition;
    }

    /** Returns and clears the unconsumed bytes (used when switching the connection to forwarding). */
    public Buffer remainder() {
        Buffer rest = pending.getBuffer(readPosition, pending.length());
        pending = Buffer.buffer(0);
        readPosition = 0;
        return rest;
    }

    private void checkLength(int length) {
        if (length < MIN_FRAME_LENGTH) {
            throw new ProtocolViolation("invalid message length " + length);
        }
        if (length > maxFrameLength) {
            throw new ProtocolViolation("message too long: " + length + " bytes, at most " + maxFrameLength + " allowed here");
        }
    }
}
