package io.portcullis.wire;

import io.vertx.core.buffer.Buffer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Test helper: literal wire bytes written as a mix of byte values and ASCII strings. */
final class Bytes {
    private Bytes() {
    }

    /** The message types written as their letters, e.g. {@code "PBC"} (tests spell bytes literally). */
    static FrameTypes types(String letters) {
        byte[] types = new byte[letters.length()];
        for (int i = 0; i < types.length; i++) {
            types[i] = (byte) letters.charAt(i);
        }
        return FrameTypes.of(types);
    }

    /** Concatenates parts: Integer → one byte (0..255), String → its UTF-8 bytes, byte[] → as is. */
    static byte[] of(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            if (part instanceof Integer i) {
                if (i < 0 || i > 255) {
                    throw new IllegalArgumentException("byte out of range: " + i);
                }
                out.write(i);
            } else if (part instanceof String s) {
                out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            } else if (part instanceof byte[] b) {
                out.writeBytes(b);
            } else {
                throw new IllegalArgumentException("unsupported part " + part);
            }
        }
        return out.toByteArray();
    }

    static Buffer buf(Object... parts) {
        return Buffer.buffer(of(parts));
    }

    static byte[] range(Buffer buffer, int from, int to) {
        return buffer.getBytes(from, to);
    }
}
