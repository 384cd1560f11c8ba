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
 * on the network between replicas learns nothing of what they carry. Every message has the same frame:
 *
 * <pre>
 *   "PCP" version(1) | type(1) | sent at, ms since the epoch (8) | nonce (12) | length (4) | sealed body + tag (length)
 * </pre>
 *
 * The header (everything before the sealed body) is associated data; a {@link #RESPONSE}'s also covers the nonce of
 * the request it answers, so an answer cannot be replayed as the answer to another request. A {@link #CANCEL}'s
 * body is the session's process id and secret as the client sent them; a {@link #REQUEST}'s and a
 * {@link #RESPONSE}'s are JSON for the handler the wire gateway and the API registered. A request or cancel older or
 * newer than {@link ReplayGuard#WINDOW_MILLIS} by the receiver's clock, or one whose nonce was seen, is refused by
 * {@link ReplayGuard}. Thread-safe: one {@link Cipher} per call.
 */
public final class PeerMessages {

    /** What the shared secret key is turned into for this channel; a new layout gets a new purpose. */
    public static final String KEY_PURPOSE = "portcullis/peer-channel/v1";
    static final byte[] MAGIC = {'P', 'C', 'P', 1};
    /** Forward a CancelRequest to the replica that owns the session; no answer. */
    static final byte CANCEL = 1;
    /** Ask a replica to report or act (the API's gateway-wide runtime calls); answered by one {@link #RESPONSE}. */
    static final byte REQUEST = 2;
    static final byte RESPONSE = 3;
    /** Magic, type, time, nonce and length: what precedes every sealed body. */
    public static final int HEADER = MAGIC.length + 1 + 8 + 12 + 4;
    private static final int NONCE_AT = MAGIC.length + 1 + 8;
    private static final int NONCE = 12;
    private static final int CANCEL_BODY = 8;
    private static final int TAG = 16;
    /** A cancel is exactly this long. */
    public static final int CANCEL_LENGTH = HEADER + CANCEL_BODY + TAG;
    /** The longest request body: a few named arguments. */
    public static final int MAX_REQUEST_BODY = 4 * 1024;
    /** The longest response body: a report of every client of a busy replica. */
    public static final int MAX_RESPONSE_BODY = 16 * 1024 * 1024;

    /** A cancel request a peer forwarded: the session's key, once the message proved genuine and fresh. */
    public record Cancel(int processId, int secret) {
        @Override
        public String toString() {
            return "Cancel[processId=" + processId + ", secret=(redacted)]";
        }
    }

    /** A request a peer sent, opened: its body, and the nonce its response must be bound to. */
    public record Request(byte[] body, byte[] nonce) {
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
        byte[] body = ByteBuffer.allocate(CANCEL_BODY).putInt(processId).putInt(secret).array();
        try {
            return seal(CANCEL, body, new byte[0]);
        } finally {
            Arrays.fill(body, (byte) 0);
        }
    }

    /** A sealed request; {@link #nonceOf} gives the nonce its response is bound to. */
    public byte[] request(byte[] body) {
        if (body.length > MAX_REQUEST_BODY) {
            throw new IllegalArgumentException("a peer request holds at most " + MAX_REQUEST_BODY + " bytes");
        }
        return seal(REQUEST, body, new byte[0]);
    }

    /** The sealed answer to the request that had {@code requestNonce}. */
    public byte[] response(byte[] body, byte[] requestNonce) {
        if (body.length > MAX_RESPONSE_BODY) {
            throw new IllegalArgumentException("a peer response holds at most " + MAX_RESPONSE_BODY + " bytes");
        }
        return seal(RESPONSE, body, requestNonce);
    }

    /** The nonce of a message made here. */
    public static byte[] nonceOf(byte[] message) {
        return Arrays.copyOfRange(message, NONCE_AT, NONCE_AT + NONCE);
    }

    /**
     * How long the whole message is, from its first {@link #HEADER} bytes; -1 when they are not the header of a
     * message of this channel of {@code type} with a body of at most {@code maxBody} bytes.
     */
    public static int lengthOf(byte[] header, byte type, int maxBody) {
        if (header.length < HEADER || !Arrays.equals(header, 0, MAGIC.length, MAGIC, 0, MAGIC.length)
                || header[MAGIC.length] != type) {
            return -1;
        }
        int sealed = ByteBuffer.wrap(header).getInt(HEADER - 4);
        return sealed < TAG || sealed - TAG > maxBody ? -1 : HEADER + sealed;
    }

    /** The first {@link #HEADER} bytes name a cancel or a request: its type, or 0 for anything else. */
    public static byte typeOf(byte[] header) {
        if (lengthOf(header, CANCEL, CANCEL_BODY) == CANCEL_LENGTH) {
            return CANCEL;
        }
        return lengthOf(header, REQUEST, MAX_REQUEST_BODY) > 0 ? REQUEST : 0;
    }

    /**
     * The cancel {@code bytes} carry, if they are a genuine, fresh message of this channel never seen before;
     * empty for anything else (wrong length, another version, another key, altered, stale or replayed).
     */
    public Optional<Cancel> openCancel(byte[] bytes, ReplayGuard replays) {
        if (bytes.length != CANCEL_LENGTH) {
            return Optional.empty();
        }
        return openFresh(bytes, CANCEL, CANCEL_BODY, replays).map(body -> {
            ByteBuffer plain = ByteBuffer.wrap(body);
            Cancel cancel = new Cancel(plain.getInt(), plain.getInt());
            Arrays.fill(body, (byte) 0);
            return cancel;
        });
    }

    /** The request {@code bytes} carry, if genuine, fresh and new; empty for anything else. */
    public Optional<Request> openRequest(byte[] bytes, ReplayGuard replays) {
        return openFresh(bytes, REQUEST, MAX_REQUEST_BODY, replays).map(body -> new Request(body, nonceOf(bytes)));
    }

    /**
     * The body of the response to the request that had {@code requestNonce}, if {@code bytes} are genuine and bound to
     * it; empty for anything else. (A response needs no freshness check: it answers one request, on its connection.)
     */
    public Optional<byte[]> openResponse(byte[] bytes, byte[] requestNonce) {
        return open(bytes, RESPONSE, MAX_RESPONSE_BODY, requestNonce);
    }

    private Optional<byte[]> openFresh(byte[] bytes, byte type, int maxBody, ReplayGuard replays) {
        Optional<byte[]> body = open(bytes, type, maxBody, new byte[0]);
        // Only a genuine message may take a place in the replay cache, or strangers could fill it.
        if (body.isPresent() && !replays.firstSight(nonceOf(bytes), ByteBuffer.wrap(bytes).getLong(MAGIC.length + 1),
                clock.millis())) {
            Arrays.fill(body.get(), (byte) 0);
            return Optional.empty();
        }
        return body;
    }

    private Optional<byte[]> open(byte[] bytes, byte type, int maxBody, byte[] boundTo) {
        if (lengthOf(bytes, type, maxBody) != bytes.length) {
            return Optional.empty();
        }
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, nonceOf(bytes));
            cipher.updateAAD(bytes, 0, HEADER);
            cipher.updateAAD(boundTo);
            return Optional.of(cipher.doFinal(bytes, HEADER, bytes.length - HEADER));
        } catch (AEADBadTagException e) {
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    private byte[] seal(byte type, byte[] body, byte[] boundTo) {
        ByteBuffer message = ByteBuffer.allocate(HEADER + body.length + TAG);
        byte[] nonce = new byte[NONCE];
        random.nextBytes(nonce);
        message.put(MAGIC).put(type).putLong(clock.millis()).put(nonce).putInt(body.length + TAG);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce);
            cipher.updateAAD(message.array(), 0, HEADER);
            cipher.updateAAD(boundTo);
            message.put(cipher.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
        return message.array();
    }

    private Cipher cipher(int mode, byte[] nonce) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG * 8, nonce));
        return cipher;
    }
}
