package io.portcullis.pool;

import io.vertx.core.Promise;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * What an administrator has told one pool (PgBouncer's {@code PAUSE}, {@code RESUME},
 * {@code RECONNECT}, {@code KILL}, {@code DISABLE}, {@code WAIT_CLOSE}), and who is waiting for it
 * to take effect.
 *
 * <ul>
 *   <li><b>paused</b>: nobody is lent a connection; every connection closes as it comes back (idle
 *       ones at once). The pause is complete when no server connection is left open.</li>
 *   <li><b>close needed</b>: these connections close when they come back instead of being lent again
 *       (RECONNECT, KILL). {@code WAIT_CLOSE} waits until none is left.</li>
 *   <li><b>disabled</b>: new client logins are refused; sessions already in keep going.</li>
 * </ul>
 *
 * <p>Not thread-safe on its own: the {@link Pool} calls it holding its lock. Completing a promise
 * runs callbacks, so the methods hand promises back for the pool to complete after unlocking.
 */
final class PoolControl {

    private boolean paused;
    private volatile boolean disabled;
    private final Set<ServerConnection> closeNeeded = Collections.newSetFromMap(new IdentityHashMap<>());
    private final List<Promise<Void>> pausing = new ArrayList<>();
    private final List<Promise<Void>> closing = new ArrayList<>();

    boolean paused() {
        return paused;
    }

    boolean disabled() {
        return disabled;
    }

    void disabled(boolean value) {
        disabled = value;
    }

    /**
     * From now on nothing is lent.
     *
     * @param done completes when the pool has no connection open; null when nobody waits for that
     */
    void pause(Promise<Void> done) {
        paused = true;
        if (done != null) {
            pausing.add(done);
        }
    }

    /** Whether the pool was paused; pauses still in progress are handed back to be failed. */
    boolean resume(List<Promise<Void>> unfinished) {
        boolean was = paused;
        paused = false;
        unfinished.addAll(pausing);
        pausing.clear();
        return was;
    }

    void closeWhenReturned(Collection<ServerConnection> connections) {
        closeNeeded.addAll(connections);
    }

    /** {@code done} completes when every connection marked to close is gone. */
    void waitClose(Promise<Void> done) {
        closing.add(done);
    }

    /** Whether a connection coming back must be closed rather than kept. */
    boolean mustClose(ServerConnection conn) {
        return paused || closeNeeded.contains(conn);
    }

    /** The connection is gone from the pool. */
    void forget(ServerConnection conn) {
        closeNeeded.remove(conn);
    }

    /**
     * The promises whose condition now holds, taken out; an empty immutable list (no allocation) in the
     * usual case that nobody waits, since the pool asks after every hand-out and return.
     *
     * @param open connections the pool still counts (open, opening, lent, idle or being reset)
     */
    List<Promise<Void>> settle(int open) {
        boolean paused = this.paused && open == 0 && !pausing.isEmpty();
        boolean closed = closeNeeded.isEmpty() && !closing.isEmpty();
        if (!paused && !closed) {
            return List.of();
        }
        List<Promise<Void>> done = new ArrayList<>();
        if (paused) {
            done.addAll(pausing);
            pausing.clear();
        }
        if (closed) {
            done.addAll(closing);
            closing.clear();
        }
        return done;
    }

    /** The pool is going away: nothing is left to wait for. */
    void releaseAll(List<Promise<Void>> done) {
        closeNeeded.clear();
        done.addAll(pausing);
        done.addAll(closing);
        pausing.clear();
        closing.clear();
    }
}
