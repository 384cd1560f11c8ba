package io.portcullis.prepared;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-connection cache on its own: LRU order, eviction into the close queue, forgetting. */
class ServerStatementCacheTest {

    private static StatementKey key(String query, int... oids) throws Exception {
        Buffer body = Buffer.buffer().appendString("S").appendByte((byte) 0).appendString(query).appendByte((byte) 0)
                .appendShort((short) oids.length);
        for (int oid : oids) {
            body.appendInt(oid);
        }
        return StatementKey.of(body, 2, MessageDigest.getInstance("SHA-256"));
    }

    private static List<String> drainCloses(ServerStatementCache cache) {
        List<String> names = new ArrayList<>();
        for (String name; (name = cache.pollNameToClose()) != null; ) {
            names.add(name);
        }
        return names;
    }

    @Test
    void keysAreQueryTextAndParameterTypes() throws Exception {
        assertEquals(key("select $1", 23), key("select $1", 23));
        assertEquals(key("select $1", 23).hashCode(), key("select $1", 23).hashCode());
        assertNotEquals(key("select $1", 23), key("select $1", 25));
        assertNotEquals(key("select $1", 23), key("select $1"));
        assertNotEquals(key("select 1"), key("select 2"));
    }

    @Test
    void theLeastRecentlyUsedIsEvictedAndQueuedForClosing() throws Exception {
        ServerStatementCache cache = new ServerStatementCache(3);
        StatementKey a = key("a");
        StatementKey b = key("b");
        StatementKey c = key("c");
        StatementKey d = key("d");
        assertEquals("portcullis_1", cache.add(a));
        assertEquals("portcullis_2", cache.add(b));
        assertEquals("portcullis_3", cache.add(c));
        assertFalse(cache.hasNamesToClose());
        assertEquals("portcullis_1", cache.lookup(a)); // a is now the most recently used
        assertEquals("portcullis_4", cache.add(d));
        assertNull(cache.lookup(b), "b was the least recently used");
        assertEquals(3, cache.size());
        assertEquals(List.of("portcullis_2"), drainCloses(cache));
        cache.add(b);
        assertEquals(List.of("portcullis_3"), drainCloses(cache), "c, then");
        assertEquals("portcullis_5", cache.lookup(b), "names are never reused");
    }

    @Test
    void aSmallerCapacityEvictsAtOnce() throws Exception {
        ServerStatementCache cache = new ServerStatementCache(3);
        cache.add(key("a"));
        cache.add(key("b"));
        cache.add(key("c"));
        cache.capacity(1);
        assertEquals(1, cache.size());
        assertEquals(List.of("portcullis_1", "portcullis_2"), drainCloses(cache));
        assertThrows(IllegalArgumentException.class, () -> cache.capacity(0));
    }

    @Test
    void aForgottenStatementIsClosedOnceAndOnlyIfStillRecorded() throws Exception {
        ServerStatementCache cache = new ServerStatementCache(1);
        StatementKey a = key("a");
        String name = cache.add(a);
        cache.forget(a, name);
        assertNull(cache.lookup(a));
        assertEquals(List.of(name), drainCloses(cache));
        String again = cache.add(a);
        cache.forget(a, name); // the old name: already gone, nothing to do
        assertEquals(again, cache.lookup(a));
        cache.add(key("b"));   // evicts a
        cache.forget(a, again); // evicted already: queued once, not twice
        assertEquals(List.of(again), drainCloses(cache));
    }

    @Test
    void clearDropsEverythingAndTheCloseQueue() throws Exception {
        ServerStatementCache cache = new ServerStatementCache(1);
        cache.add(key("a"));
        cache.add(key("b"));
        assertTrue(cache.hasNamesToClose());
        cache.clear();
        assertEquals(0, cache.size());
        assertFalse(cache.hasNamesToClose());
    }
}
