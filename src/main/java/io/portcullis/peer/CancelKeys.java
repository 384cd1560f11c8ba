package io.portcullis.peer;

/**
 * The process id a client sees in BackendKeyData, laid out so that any replica can tell which one owns the
 * session: bits 30..17 hold the owner's peer id (1 to {@value #MAX_PEER_ID}, as PgBouncer's peer_id), bits 16..0
 * a number unique among that replica's live sessions. The sign bit stays clear (clients print the id as a
 * positive number). Peer id 0 means "no peer id" (the file store, or a replica the store has not registered yet):
 * such a session's cancel is only found by the replica it reached. The 32-bit secret beside it stays entirely
 * random: the id only routes, the secret authorizes.
 */
public final class CancelKeys {

    /** Bits of the local part. */
    static final int LOCAL_BITS = 17;
    /** The most sessions one replica with peers holds at once (the local part's range, without 0). */
    public static final int MAX_LOCAL_SESSIONS = (1 << LOCAL_BITS) - 1;
    /** The largest peer id the layout holds: the registry's range. */
    public static final int MAX_PEER_ID = (1 << (31 - LOCAL_BITS)) - 1;

    private CancelKeys() {
    }

    /**
     * The process id for local number {@code local} on replica {@code peerId}; 0 when {@code local} maps to 0
     * (the caller skips it: 0 is no session).
     */
    public static int processId(int peerId, int local) {
        if (peerId < 0 || peerId > MAX_PEER_ID) {
            throw new IllegalArgumentException("peer id " + peerId + " is outside 0.." + MAX_PEER_ID);
        }
        int part = local & MAX_LOCAL_SESSIONS;
        return part == 0 ? 0 : (peerId << LOCAL_BITS) | part;
    }

    /** The peer id a process id names; 0 for ids issued without one, which only their own replica knows. */
    public static int peerOf(int processId) {
        return (processId & Integer.MAX_VALUE) >>> LOCAL_BITS;
    }
}
