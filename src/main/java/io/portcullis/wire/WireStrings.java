package io.portcullis.wire;

import io.vertx.core.buffer.Buffer;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * NUL-terminated string helpers shared by the readers. Strict decoding is for names the gateway
 * re-encodes later (statement names it will Close, startup parameters it routes on): a lossy decode
 * would silently change them. Lenient decoding is for text the gateway only relays (error messages).
 */
final class WireStrings {
    private WireStrings() {
    }

    /** Index of the first NUL at or after {@code from} and before {@code end}, or -1. */
    static int indexOfNul(Buffer buffer, int from, int end) {
        for (int i = from; i < end; i++) {
            if (buffer.getByte(i) == 0) {
                return i;
            }
        }
        return -1;
    }

    /** Decodes {@code [start, end)} as UTF-8, throwing {@link ProtocolViolation} on malformed input. */
    static String decodeStrict(Buffer buffer, int start, int end, String what) {
        if (start == end) {
            return "";
        }
        boolean ascii = true;
        for (int i = start; i < end; i++) {
            if (buffer.getByte(i) < 0) {
                ascii = false;
                break;
            }
        }
        byte[] bytes = buffer.getBytes(start, end);
        if (ascii) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ProtocolViolation(what + " is not valid UTF-8");
        }
    }

    /** Decodes {@code [start, end)} as UTF-8, replacing malformed sequences. */
    static String decodeLenient(Buffer buffer, int start, int end) {
        return new String(buffer.getBytes(start, end), StandardCharsets.UTF_8);
    }

    /** UTF-8 bytes of a string that will be written NUL-terminated; rejects embedded NULs. */
    static byte[] cstringBytes(String value, String what) {
        if (value == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " must not contain a NUL character");
        }
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
