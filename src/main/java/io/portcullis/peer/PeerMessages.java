package io.portcullis.peer;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;

/**
 * The messages replicas send each other, sealed with AES-256-GCM under a key derived from the secret key they
 * share ({@link #KEY_PURPOSE}): only a holder of that key can make one the receiver acts on, and an eavesdropper
 * on the network between replicas learns no cancel key. One message per connection, of fixed size:
 *
 * <pre>
 *   "PCP" version(1) | type(1) | sent at, ms since the epoch (8) | nonce (12) | sealed body + tag (8 + 16)
 * </pre>
 *
 * The header is the associated data. The body of a {@link #CANCEL} is the session's process id and secret as
 * the client sent them. A message older or newer than {@link ReplayGuard#WINDOW_MILLIS} by the receiver's clock, or one
 * whose nonce was seen, is refused by {@link ReplayGuard}. Thread-safe: one {@link Cipher} per call.
 */
public final class PeerMessages {

    /** What the shared secret key is turned into for this channel; a new layout gets a new purpose. */
    public static final String KEY_PURPOSE = "portcullis/peer-channel/v1";
    static final byte[] MAGIC = {'P', 'C', 'P', 1};
    /** Forward a CancelRequest to the replica that owns the session. */
    static final byte CANCEL = 1;
    private static final int HEADER = MAGIC.length + 1 + 8;
    private static final int NONCE = 12;
    private static final int BODY = 8;
    private static final int TAG_BITS = 128;
    /** Every message is exactly this long. */
    public static final int LENGTH = HEADER + NONCE + BODY + TAG_BITS / 8;

    /** A cancel request a peer forwarded: the session's key, once the message proved genuine and fresh. */
    public record Cancel(int processId, int secret) {
        @Override
        public String toString() {
            return "Cancel[processId=" + processId + ", secret=(redacted)]";
        }
    }

    private final SecretKeySpec key;
    private final SecureRandom random;
    private final Clock clock;

    /** @param key 32 bytes, derived from the shared secret key with {@link #KEY_PURPOSE} */
    public PeerMessages(byte[] key, SecureRandom random, Clock clock) {
        if (key == null || key.length != 32) {
            throw new IllegalArgumentException("the peer channel key must be 32 bytes");
        }
        this.key = new SecretKeySpec(key, "AES");
        this.random = random;
        this.clock = clock;
    }

    /** A sealed message asking the owner of {@code processId} to cancel its session's running query. */
    public byte[] cancel(int processId, int secret) {
        ByteBuffer message = ByteBuffer.allocate(LENGTH);
        message.put(MAGIC).put(CANCEL).putLong(clock.millis());
        byte[] nonce = new byte[NONCE];
        random.nextBytes(nonce);
        message.put(nonce);
        byte[] body = ByteBuffer.allocate(BODY).putInt(processId).putInt(secret).array();
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce);
            cipher.updateAAD(message.array(), 0, HEADER);
            message.put(cipher.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        } finally {
            Arrays.fill(body, (byte) 0);
        }
        return message.array();
    }

    /**
     * The cancel {@code bytes} carry, if they are a genuine, fresh message of this channel never seen before;
     * empty for anything else (wrong length, another version, another key, altered, stale or replayed).
     */
    public Optional<Cancel> openCancel(byte[] bytes, ReplayGuard replays) {
        if (bytes.length != LENGTH || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)
                || bytes[MAGIC.length] != CANCEL) {
            return Optional.empty();
        }
        ByteBuffer message = ByteBuffer.wrap(bytes);
        long sentAt = message.getLong(MAGIC.length + 1);
        byte[] nonce = Arrays.copyOfRange(bytes, HEADER, HEADER + NONCE);
        byte[] body;
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, nonce);
            cipher.updateAAD(bytes, 0, HEADER);
            body = cipher.doFinal(bytes, HEADER + NONCE, BODY + TAG_BITS / 8);
        } catch (AEADBadTagException e) {
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
        // Only a genuine message may take a place in the replay cache, or strangers could fill it.
        if (!replays.firstSight(nonce, sentAt, clock.millis())) {
            return Optional.empty();
        }
        ByteBuffer plain = ByteBuffer.wrap(body);
        Cancel cancel = new Cancel(plain.getInt(), plain.getInt());
        Arrays.fill(body, (byte) 0);
        return Optional.of(cancel);
    }

    private Cipher cipher(int mode, byte[] nonce) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        return cipher;
    }
}
