package io.portcullis.prepared;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The statements the gateway has prepared on one server connection under its own names, shared by
 * every client that borrows the connection and kept for the connection's life (a {@code DISCARD ALL}
 * empties it). At most {@code capacity} are kept: adding one more evicts the least recently used,
 * whose name is queued to be closed on the backend.
 *
 * <p>Evicted names are not closed at once: a Close in the middle of a client's batch is skipped by
 * the backend when an earlier message of the batch fails, and the statement would stay on the backend
 * unknown to this cache. The caller sends them at the start of the next batch, where nothing can be
 * skipped ({@link #pollNameToClose()}).
 *
 * <p>Used by one borrower at a time, on its event loop; the pool's lending orders the hand-offs.
 */
public final class ServerStatementCache {

    /**
     * Prefix of the server-side names. Client names never reach the backend while the mapping is on;
     * the prefix only keeps the names recognisable in {@code pg_prepared_statements}.
     */
    static final String NAME_PREFIX = "portcullis_";

    /** Access order: the first entry is the least recently used. */
    private final LinkedHashMap<StatementKey, String> prepared = new LinkedHashMap<>(16, 0.75f, true);
    private final ArrayDeque<String> toClose = new ArrayDeque<>();
    private int capacity;
    private long lastNumber;

    /** @param capacity the most statements kept prepared, at least 1 */
    public ServerStatementCache(int capacity) {
        capacity(capacity);
    }

    /** Changes the bound; statements beyond a lower one are evicted. */
    public void capacity(int newCapacity) {
        if (newCapacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        capacity = newCapacity;
        evictBeyondCapacity();
    }

    public int capacity() {
        return capacity;
    }

    /** Statements recorded as prepared. */
    public int size() {
        return prepared.size();
    }

    /** The backend dropped every prepared statement ({@code DISCARD ALL}): nothing is prepared, nothing to close. */
    public void clear() {
        prepared.clear();
        toClose.clear();
    }

    /** The server-side name of a statement prepared here, marked most recently used; null when absent. */
    String lookup(StatementKey key) {
        return prepared.get(key);
    }

    /**
     * Records a statement the caller is about to prepare and names it. The least recently used
     * beyond the capacity are evicted and queued for closing.
     */
    String add(StatementKey key) {
        String name = NAME_PREFIX + (++lastNumber);
        prepared.put(key, name);
        evictBeyondCapacity();
        return name;
    }

    /**
     * The Parse that prepared {@code name} failed, was skipped, or its outcome is unknown (a backend
     * that drops earlier answers of a failed batch): forget it, and close the name in case the backend
     * has it after all. Closing a name the backend does not have is not an error.
     */
    void forget(StatementKey key, String name) {
        if (prepared.remove(key, name)) {
            toClose.addLast(name);
        }
    }

    /** A Close of ours that the backend did not execute: send it again later. */
    void closeLater(String name) {
        toClose.addLast(name);
    }

    boolean hasNamesToClose() {
        return !toClose.isEmpty();
    }

    /** The next evicted name to close on the backend, or null; the caller sends the Close. */
    String pollNameToClose() {
        return toClose.pollFirst();
    }

    private void evictBeyondCapacity() {
        Iterator<Map.Entry<StatementKey, String>> eldest = prepared.entrySet().iterator();
        while (prepared.size() > capacity) {
            toClose.addLast(eldest.next().getValue());
            eldest.remove();
        }
    }
}
