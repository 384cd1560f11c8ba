package io.portcullis.peer;

import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Refuses a peer message twice, and one sent too long ago or too far ahead of this replica's clock (replicas'
 * clocks agree to far better than {@link #WINDOW_MILLIS} under NTP). Remembers each accepted nonce until its message could
 * no longer be fresh; bounded: when {@link #CAPACITY} nonces are remembered and none has expired, new messages are
 * refused (a flood of genuine messages needs the shared key, so this only bounds memory). Thread-safe.
 */
public final class ReplayGuard {

    /** How far a message's time may be from the receiver's. */
    public static final long WINDOW_MILLIS = 10_000;
    /** The most nonces remembered. */
    static final int CAPACITY = 65_536;

    /** Nonce → when it may be forgotten, in the receiver's milliseconds; in insertion order, so oldest first. */
    private final LinkedHashMap<ByteBuffer, Long> seen = new LinkedHashMap<>();

    /** Whether a message with {@code nonce} sent at {@code sentAt} is fresh and new; remembers it if so. */
    synchronized boolean firstSight(byte[] nonce, long sentAt, long now) {
        if (Math.abs(now - sentAt) > WINDOW_MILLIS) {
            return false;
        }
        forgetExpired(now);
        ByteBuffer key = ByteBuffer.wrap(nonce.clone());
        if (seen.containsKey(key) || seen.size() >= CAPACITY) {
            return false;
        }
        // Expiry by the receiver's clock is monotonic in insertion order, which forgetExpired relies on.
        seen.put(key, now + 2 * WINDOW_MILLIS);
        return true;
    }

    private void forgetExpired(long now) {
        Iterator<Map.Entry<ByteBuffer, Long>> oldest = seen.entrySet().iterator();
        while (oldest.hasNext() && oldest.next().getValue() <= now) {
            oldest.remove();
        }
    }

    synchronized int size() {
        return seen.size();
    }
}
