package io.portcullis.pool;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Per-user cap on server connections held at once across every database ({@code maxUserConnections},
 * PgBouncer's {@code max_user_connections}). A session takes a place here before it borrows from a
 * pool and gives it back with the connection. Beyond the cap, borrowers wait in one FIFO per user,
 * each for at most the query wait timeout, then get 53300 — as in a pool's own queue.
 *
 * <p>Places are counted even for users without a cap, so a cap set later sees the true count. State is
 * guarded by this object's lock (short, no I/O, no callbacks under it); a borrower is completed on its
 * own context. A user's entry exists only while it holds or waits for a place.
 */
public final class UserConnectionLimits {

    private final Vertx vertx;
    private final Map<String, UserPlaces> users = new HashMap<>();

    public UserConnectionLimits(Vertx vertx) {
        this.vertx = vertx;
    }

    /**
     * Takes a place for {@code user}, waiting in FIFO order when {@code max} are taken.
     *
     * @param max  the user's cap now; 0 = no cap
     * @param wait longest wait; 0 = no limit
     * @return completes on the caller's context; fails with a 53300 {@link BackendUnavailable} after {@code wait}
     */
    public Future<Void> acquire(String user, int max, Duration wait) {
        Context context = vertx.getOrCreateContext();
        Waiter waiter;
        synchronized (this) {
            UserPlaces places = users.computeIfAbsent(user, u -> new UserPlaces());
            if (places.waiters.isEmpty() && places.hasRoom(max)) {
                places.held++;
                return Future.succeededFuture();
            }
            waiter = new Waiter(context, max);
            places.waiters.addLast(waiter);
        }
        long waitMillis = wait.toMillis();
        if (waitMillis > 0) {
            long timer = vertx.setTimer(waitMillis, t -> expire(user, waiter, wait));
            synchronized (this) {
                waiter.timer = timer;
            }
        }
        return waiter.promise.future();
    }

    /** Gives back a place taken by {@link #acquire}; the next waiter of that user gets it. */
    public void release(String user) {
        Deque<Waiter> granted = new ArrayDeque<>();
        synchronized (this) {
            UserPlaces places = users.get(user);
            if (places == null) {
                return;
            }
            places.held = Math.max(0, places.held - 1);
            while (!places.waiters.isEmpty() && places.hasRoom(places.waiters.peekFirst().max)) {
                places.held++;
                granted.add(places.waiters.pollFirst());
            }
            forgetIfUnused(user, places);
        }
        granted.forEach(Waiter::grant);
    }

    /** Places {@code user} holds now (for tests and the admin console). */
    public synchronized int held(String user) {
        UserPlaces places = users.get(user);
        return places == null ? 0 : places.held;
    }

    private void expire(String user, Waiter waiter, Duration wait) {
        synchronized (this) {
            UserPlaces places = users.get(user);
            if (places == null || !places.waiters.remove(waiter)) {
                return;
            }
            forgetIfUnused(user, places);
        }
        waiter.context.runOnContext(v -> waiter.promise.tryFail(
                BackendUnavailable.userLimit(user, wait.toSeconds(), waiter.max)));
    }

    private void forgetIfUnused(String user, UserPlaces places) {
        if (places.held == 0 && places.waiters.isEmpty()) {
            users.remove(user);
        }
    }

    /** One user's count and queue. Guarded by the outer lock. */
    private static final class UserPlaces {
        int held;
        final Deque<Waiter> waiters = new ArrayDeque<>();

        boolean hasRoom(int max) {
            return max <= 0 || held < max;
        }
    }

    /** A borrower waiting on its own context. */
    private final class Waiter {
        final Context context;
        final int max;
        final Promise<Void> promise = Promise.promise();
        long timer = -1;

        Waiter(Context context, int max) {
            this.context = context;
            this.max = max;
        }

        void grant() {
            long t;
            synchronized (UserConnectionLimits.this) {
                t = timer;
            }
            vertx.cancelTimer(t);
            context.runOnContext(v -> promise.tryComplete());
        }
    }
}
