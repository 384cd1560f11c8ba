package io.portcullis.proxy;

import io.portcullis.peer.CancelKeys;
import io.vertx.core.buffer.Buffer;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every live client session, by Portcullis's own process id. Each session gets a process id (unique
 * while it lives, carrying this replica's peer id: {@link CancelKeys}) and a random secret for its
 * BackendKeyData; a CancelRequest is routed to the session only when both match, compared in constant time,
 * so a stale or forged key does nothing.
 * Configuration changes and the admin console walk the sessions through {@link #all()}.
 */
final class SessionRegistry {

    private final Map<Integer, ClientSession> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final java.util.function.IntSupplier peerId;

    /** @param peerId this replica's peer id, read for each new session (0 without peers) */
    SessionRegistry(java.util.function.IntSupplier peerId) {
        this.peerId = peerId;
    }

    SessionRegistry() {
        this(() -> 0);
    }

    /**
     * Registers the session and returns its process id.
     *
     * @throws IllegalStateException when {@value CancelKeys#MAX_LOCAL_SESSIONS} sessions are open already
     */
    int register(ClientSession session) {
        int peer = peerId.getAsInt();
        for (int tries = 0; tries <= CancelKeys.MAX_LOCAL_SESSIONS; tries++) {
            int id = CancelKeys.processId(peer, nextId.getAndIncrement());
            if (id != 0 && sessions.putIfAbsent(id, session) == null) {
                return id;
            }
        }
        throw new IllegalStateException("no free process id: " + CancelKeys.MAX_LOCAL_SESSIONS + " sessions are open");
    }

    void unregister(int processId, ClientSession session) {
        sessions.remove(processId, session);
    }

    /** The session owning this key, or null. */
    ClientSession find(int processId, Buffer secret) {
        ClientSession session = sessions.get(processId);
        if (session == null || secret.length() != 4) {
            return null;
        }
        byte[] expected = Buffer.buffer(4).appendInt(session.cancelSecret()).getBytes();
        return MessageDigest.isEqual(expected, secret.getBytes()) ? session : null;
    }

    /** The live session with this process id, or null (KILL_CLIENT). */
    ClientSession get(int processId) {
        return sessions.get(processId);
    }

    /** A snapshot of the live sessions. */
    java.util.Collection<ClientSession> all() {
        return java.util.List.copyOf(sessions.values());
    }

    static int newSecret(SecureRandom random) {
        return random.nextInt();
    }

    int size() {
        return sessions.size();
    }
}
