package io.portcullis.prepared;

import java.util.HashMap;
import java.util.Map;

/**
 * The named prepared statements one client session has, by the client's names: what PostgreSQL
 * would hold for the session if it had a backend of its own. Bounded, because the gateway keeps every
 * statement's text for as long as the client does not close it.
 */
final class ClientStatements {

    /**
     * Most statements per session. pgJDBC caches 256 per connection by default and closes the
     * rest; ten thousand leaves room for any driver while bounding a client that never closes.
     */
    static final int MAX_STATEMENTS = 10_000;
    /** Most bytes of statement text per session: pgJDBC's own default cache is 5 MiB per connection. */
    static final long MAX_BYTES = 16L << 20;

    private final Map<String, StatementKey> byName = new HashMap<>();
    private long bytes;

    StatementKey get(String name) {
        return byName.get(name);
    }

    boolean contains(String name) {
        return byName.containsKey(name);
    }

    /** Whether one more statement of this size stays within the limits. */
    boolean fits(StatementKey key) {
        return byName.size() < MAX_STATEMENTS && bytes + key.size() <= MAX_BYTES;
    }

    void put(String name, StatementKey key) {
        StatementKey previous = byName.put(name, key);
        bytes += key.size() - (previous == null ? 0 : previous.size());
    }

    /** @return the statement removed, or null */
    StatementKey remove(String name) {
        StatementKey removed = byName.remove(name);
        if (removed != null) {
            bytes -= removed.size();
        }
        return removed;
    }

    /** Removes the name only while it still stands for this very statement (undoing a Parse). */
    void removeIfSame(String name, StatementKey key) {
        if (byName.get(name) == key) {
            remove(name);
        }
    }

    /** Adds the name back unless the client has reused it meanwhile (undoing a Close). */
    void restore(String name, StatementKey key) {
        if (!byName.containsKey(name)) {
            put(name, key);
        }
    }

    void clear() {
        byName.clear();
        bytes = 0;
    }

    int size() {
        return byName.size();
    }
}
