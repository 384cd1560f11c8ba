package io.portcullis.wire;

/**
 * An immutable set of message type bytes, built from the named constants of {@link MessageTypes}:
 * {@code FrameTypes.of(PARSE, BIND, CLOSE)}. A {@link FrameScanner} tests every frame header it
 * follows against one, so membership is a shift and a mask: message types are ASCII, so the set is
 * two 64-bit words (bytes 0–63 and 64–127) and a byte above 127 is never in it.
 */
public final class FrameTypes {

    /** Bit {@code t} set: type byte {@code t} (0–63) is in the set. */
    final long low;
    /** Bit {@code t - 64} set: type byte {@code t} (64–127) is in the set. */
    final long high;

    private FrameTypes(long low, long high) {
        this.low = low;
        this.high = high;
    }

    /**
     * @param types message type bytes, named by {@link MessageTypes}
     * @throws IllegalArgumentException for a byte outside ASCII, which no message type is
     */
    public static FrameTypes of(byte... types) {
        long low = 0;
        long high = 0;
        for (byte type : types) {
            if (type < 0) {
                throw new IllegalArgumentException("message types are ASCII: " + (type & 0xFF));
            }
            if (type < 64) {
                low |= 1L << type;
            } else {
                high |= 1L << (type - 64);
            }
        }
        return new FrameTypes(low, high);
    }

    public boolean contains(byte type) {
        return contains(low, high, type);
    }

    /**
     * The membership test on the two words, for a holder that copies them into its own fields so
     * the lookup per frame reads no other object ({@link FrameScanner}).
     */
    static boolean contains(long low, long high, byte type) {
        if (type < 0) {
            return false;
        }
        return type < 64 ? (low & (1L << type)) != 0 : (high & (1L << (type - 64))) != 0;
    }

    /** The types as characters, e.g. {@code [B, C, P]}. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("[");
        for (int t = 0; t < 128; t++) {
            if (contains((byte) t)) {
                text.append(text.length() > 1 ? ", " : "");
                text.append(t > ' ' && t < 0x7F ? String.valueOf((char) t) : "0x" + Integer.toHexString(t));
            }
        }
        return text.append(']').toString();
    }
}
