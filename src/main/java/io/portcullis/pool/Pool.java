package io.portcullis.pool;

import io.portcullis.auth.BackendLogin;
import io.portcullis.auth.PassthroughSecret;
import io.portcullis.config.DatabaseConfig;
import io.portcullis.config.LiveSettings;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.net.NetClient;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import static io.portcullis.config.RuntimeSettings.MAX_PREPARED_STATEMENTS;
import static io.portcullis.config.RuntimeSettings.QUERY_WAIT_TIMEOUT;
import static io.portcullis.config.RuntimeSettings.RESERVE_POOL_TIMEOUT;
import static io.portcullis.config.RuntimeSettings.SERVER_CHECK_DELAY;
import static io.portcullis.config.RuntimeSettings.SERVER_CHECK_QUERY;
import static io.portcullis.config.RuntimeSettings.SERVER_CONNECT_TIMEOUT;
import static io.portcullis.config.RuntimeSettings.SERVER_IDLE_TIMEOUT;
import static io.portcullis.config.RuntimeSettings.SERVER_LIFETIME;
import static io.portcullis.config.RuntimeSettings.SERVER_LOGIN_RETRY;
import static io.portcullis.config.RuntimeSettings.SERVER_LOGIN_TIMEOUT;
import static io.portcullis.config.RuntimeSettings.SERVER_RESET_TIMEOUT;

/**
 * Lending the server connections of one database: an idle stack (most recently used first, so a quiet pool
 * shrinks to what it needs), a FIFO of waiting borrowers with a deadline each, and a count of
 * connections open or opening that never exceeds the pool size.
 *
 * <p>Borrowers live on several event loops, so the state is guarded by this object's lock; no I/O
 * and no callback runs while the lock is held. A borrower is always completed on its own context.
 *
 * <p>Three sides, one lock: lending is here and reached only through a {@link SessionLender}; what an
 * administrator orders is {@link PoolAdministration}; what the admin console, the API and metrics read is
 * {@link PoolView}. Those two work on this object's state (package-private for them) holding its lock.
 *
 * <pre>
 *   acquire ──▶ idle on the borrower's loop? ── yes ──▶ lend
 *                 │ no
 *                 ▼
 *            open &lt; size? ── yes ──▶ connect + login on the borrower's loop ──▶ lend
 *                 │ no                  (failure: lend another loop's idle one if there is one,
 *                 ▼                      else that borrower gets the error and the next waiter tries again)
 *            idle on another loop? ── yes ──▶ lend it (cross-loop)
 *                 │ no
 *                 ▼
 *            open &lt; size + reserve (waited past reserve_pool_timeout)? ── yes ──▶ connect + login ──▶ lend
 *                 │ no
 *                 ▼
 *              wait (FIFO) ── deadline ──▶ 53300
 *   release ──▶ hand-over (close statements/portals) ──▶ idle ──▶ next waiter
 * </pre>
 *
 * <p>Why the borrower's loop first, even with another loop's connection idle: a session forwards through its server
 * connection's event loop, so a connection of another loop costs a hop between threads on every read and makes the
 * session wait whenever that loop is busy or blocked; in transaction and statement pooling a session borrows once per
 * transaction, so lending whatever was idle put most sessions on two loops (EventLoopIndependenceTest). While the pool
 * has room a new connection is opened on the borrower's loop instead; it costs one login, once, after which that loop
 * reuses it. Across loops only when the pool is full (a pool of one always lends across), when this borrower's login
 * failed, or for a few seconds after any failed login (a backend at its connection limit, say): a connection that hops
 * beats a refusal, and a refused login per transaction. Idle connections of a loop nobody borrows on are then left
 * alone and close like any idle connection, after serverIdleTimeout while above minPoolSize, or past serverLifetime;
 * minPoolSize warms its connections up on the loops borrowers came from (before the first borrower, on the
 * janitor's, which need not be a wire loop: those are the ones left alone then). The reserve is never opened just
 * to stay on one loop: it is for borrowers that found nothing idle anywhere.
 *
 * <p>Every connection opened also takes a slot of the database's {@link DatabaseConnections}, which maxDbConnections
 * caps over all the database's pools (those of users looked up in its backend too); a pool that finds none free makes
 * room by closing the oldest idle connection of another of them, and is handed the next connection one gives back.
 */
public final class Pool {

    /** More than any machine has event loops: the list of borrowers' loops stays short and its scan cheap. */
    private static final int MAX_BORROWER_LOOPS = 256;
    /**
     * After a failed login, how long borrowers take another loop's idle connection rather than try a login of their
     * own (or serverLoginRetry, when longer). serverLoginRetry defaults to 0 s; without this, a backend at its
     * connection limit would cost every transaction of another loop a refused login before it is lent the idle one.
     */
    private static final long OWN_LOOP_RETRY_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final Vertx vertx;
    private final java.util.function.BiFunction<DatabaseConfig, String, NetClient> client;
    private final LiveSettings settings;
    private final AtomicLong ids;
    final String database;
    final Deque<ServerConnection> idle = new ArrayDeque<>();
    final Deque<Waiter> waiters = new ArrayDeque<>();
    final List<ServerConnection> lent = new ArrayList<>();
    private final DatabaseTraffic traffic;
    final TrafficTotals totals;
    /** Returned connections whose hand-over is running (PgBouncer's sv_used). */
    final java.util.Set<ServerConnection> handingOver =
            java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    final PoolControl control = new PoolControl();
    private final PoolView view = new PoolView(this);
    private final PoolAdministration administration = new PoolAdministration(this);

    /** Guarded by the lock. */
    DatabaseConfig config;
    private Supplier<String> password;
    /** For a user looked up in the backend: what its client's login gave away; null for the database's own user. */
    private volatile PassthroughSecret passthrough;
    /** Connections open or opening; guarded by the lock. */
    int open;
    /** The database's connections across its pools, for maxDbConnections; each open slot here holds one there. */
    private final DatabaseConnections connections;
    /**
     * One context per event loop borrowers have come from, in the order first seen (bounded by the number of event
     * loops): where minPoolSize warms connections up, so borrowers find them on their own loop. Guarded by the lock.
     */
    private final List<Context> borrowerLoops = new ArrayList<>();
    /** The next of {@link #borrowerLoops} to warm a connection up on; guarded by the lock. */
    private int nextWarmLoop;
    private boolean removed;
    /** The last login's failure, the config it was for and when (serverLoginRetry); null after a success. */
    private Throwable loginFailure;
    private DatabaseConfig loginFailedFor;
    private long loginFailedAtNanos;

    /**
     * @param client   the client to open a database's backend connections to one of its hosts with; asked at each
     *                 connect, so that
     *                 a changed connect timeout or TLS setting applies to the next one
     * @param settings the settings in force, read at each use so a change applies to the next connection
     */
    Pool(Vertx vertx, java.util.function.BiFunction<DatabaseConfig, String, NetClient> client, LiveSettings settings, AtomicLong ids, DatabaseConfig config,
         Supplier<String> password, TrafficTotals totals, DatabaseConnections connections) {
        this.vertx = vertx;
        this.connections = connections;
        this.client = client;
        this.settings = settings;
        this.ids = ids;
        this.database = config.name();
        this.config = config;
        this.password = password;
        this.totals = totals;
        this.traffic = totals;
    }

    /**
     * The pool of a user looked up in the backend: logs in as that user with what its client's proof gave away
     * ({@code config} is {@link DatabaseConfig#forBackendUser}).
     */
    Pool(Vertx vertx, java.util.function.BiFunction<DatabaseConfig, String, NetClient> client, LiveSettings settings,
         AtomicLong ids, DatabaseConfig config, PassthroughSecret passthrough, TrafficTotals totals,
         DatabaseConnections connections) {
        this(vertx, client, settings, ids, config, () -> null, totals, connections);
        this.passthrough = passthrough;
    }

    /**
     * A newer secret for a user looked up in the backend (its password changed there): the next logins use it;
     * connections already open stay, as PostgreSQL keeps their sessions.
     */
    void passthrough(PassthroughSecret secret) {
        if (!secret.equals(passthrough)) {
            synchronized (this) {
                passthrough = secret;
                loginFailure = null; // a client just proved this secret: the last failure was for another
            }
        }
    }

    /** The backend user this pool logs in as. */
    String user() {
        return config.user();
    }

    /** Whether this pool logs in as a user looked up in the backend, with its client's passed-through secret. */
    boolean passesThrough() {
        return passthrough != null;
    }

    /** Where this pool and its borrowers report what they do (metrics, backend health). */
    public DatabaseTraffic traffic() {
        return traffic;
    }

    /**
     * Lends a server connection to a borrower on the current context (through a {@link SessionLender},
     * which is also the only way it comes back). Fails with
     * {@link BackendUnavailable} when the backend cannot be reached or the wait exceeds the
     * configured query wait timeout.
     */
    Future<ServerConnection> acquire() {
        Context context = vertx.getOrCreateContext();
        Promise<ServerConnection> promise = Promise.promise();
        Waiter waiter = new Waiter(context, promise);
        synchronized (this) {
            if (removed) {
                return Future.failedFuture(BackendUnavailable.gone(database));
            }
            waiters.addLast(waiter);
            noteBorrowerLoop(context);
        }
        long waitMillis = settings.current().get(QUERY_WAIT_TIMEOUT).toMillis();
        if (waitMillis > 0) { // 0: wait without limit (PgBouncer's query_wait_timeout = 0)
            waiter.deadlineNanos = waiter.sinceNanos + TimeUnit.MILLISECONDS.toNanos(waitMillis);
            waiter.timer = vertx.setTimer(waitMillis, t -> expire(waiter));
        }
        if (config.reservePoolSize() > 0) {
            // Look again when this borrower becomes entitled to the reserve.
            waiter.reserveTimer = vertx.setTimer(Math.max(1, settings.current().get(RESERVE_POOL_TIMEOUT).toMillis()), t -> dispatch());
        }
        dispatch();
        return promise.future();
    }

    /**
     * Takes a connection back. A connection that is clean (idle transaction, nothing in flight) is
     * handed over and kept; anything else is closed, because a half-finished exchange cannot be
     * made safe for the next borrower.
     */
    void release(ServerConnection conn, boolean clean) {
        takeBack(conn, clean, true);
    }

    /**
     * Takes back a connection a client used for one transaction (transaction and statement pooling).
     * Session state is not reset between transactions, as in PgBouncer; named statements and portals
     * are still closed.
     */
    void releaseBetweenTransactions(ServerConnection conn) {
        takeBack(conn, true, false);
    }

    private void takeBack(ServerConnection conn, boolean clean, boolean resetSession) {
        boolean closeNeeded;
        synchronized (this) {
            lent.remove(conn);
            closeNeeded = control.mustClose(conn);
        }
        conn.sink(null);
        long lifetime = settings.current().get(SERVER_LIFETIME).toNanos();
        if (!clean || conn.isClosed() || !isCurrent(conn) || closeNeeded
                || (lifetime > 0 && System.nanoTime() - conn.createdNanos() > lifetime)) {
            discard(conn);
            return;
        }
        synchronized (this) {
            handingOver.add(conn);
        }
        HandOver.run(vertx, conn, resetSession, settings.current().get(SERVER_RESET_TIMEOUT)).onComplete(ar -> {
            synchronized (this) {
                handingOver.remove(conn);
            }
            if (ar.failed() || conn.isClosed()) {
                discard(conn);
                return;
            }
            synchronized (this) {
                if (removed || control.mustClose(conn)
                        || (waiters.isEmpty() && config.maxDbConnections() > 0 && connections.starvedOtherThan(this))) {
                    retireLocked(conn); // or, for another pool of the database waiting at maxDbConnections, its slot
                } else {
                    conn.markIdle();
                    conn.sink(new IdleSink(conn));
                    idle.addFirst(conn);
                }
            }
            if (conn.isRetired()) {
                conn.close();
            }
            dispatch();
        });
    }

    /** Closes a connection that will not be lent again and lets a waiter use the freed slot. */
    void discard(ServerConnection conn) {
        conn.sink(null);
        if (conn.retire()) {
            synchronized (this) {
                idle.remove(conn);
                lent.remove(conn);
                control.forget(conn);
                slotFreedLocked();
            }
            traffic.serverClosed();
        }
        conn.close();
        dispatch();
    }

    /** A changed database definition: idle connections to the old definition are closed, lent ones when returned. */
    void reconfigure(DatabaseConfig newConfig, Supplier<String> newPassword) {
        List<ServerConnection> stale = new ArrayList<>();
        synchronized (this) {
            this.config = newConfig;
            this.password = newPassword;
            for (Iterator<ServerConnection> it = idle.iterator(); it.hasNext(); ) {
                ServerConnection c = it.next();
                if (!isCurrent(c)) {
                    it.remove();
                    retireLocked(c);
                    stale.add(c);
                }
            }
        }
        stale.forEach(ServerConnection::close);
        dispatch();
    }

    /** The database was deleted: waiters fail, idle connections close; lent ones close when returned. */
    void remove() {
        List<ServerConnection> toClose;
        List<Waiter> toFail;
        List<Promise<Void>> settled = new ArrayList<>();
        connections.leave(this);
        synchronized (this) {
            removed = true;
            control.releaseAll(settled);
            toClose = new ArrayList<>(idle);
            idle.clear();
            toClose.forEach(this::retireLocked);
            toFail = new ArrayList<>(waiters);
            waiters.clear();
        }
        toClose.forEach(ServerConnection::close);
        toFail.forEach(w -> w.fail(BackendUnavailable.gone(database)));
        settled.forEach(Promise::tryComplete);
    }

    /**
     * The janitor's round: closes idle connections past the server lifetime, or idle for longer than
     * the server idle timeout while above the minimum pool size, then opens connections up to the
     * minimum pool size.
     */
    void maintain(long nowNanos) {
        long idleLimit = settings.current().get(SERVER_IDLE_TIMEOUT).toNanos();
        long lifetime = settings.current().get(SERVER_LIFETIME).toNanos();
        List<ServerConnection> expired = new ArrayList<>();
        int warm;
        synchronized (this) {
            int keep = config.minPoolSize();
            for (Iterator<ServerConnection> it = idle.descendingIterator(); it.hasNext(); ) {
                ServerConnection c = it.next();
                boolean tooOld = lifetime > 0 && nowNanos - c.createdNanos() > lifetime;
                boolean idleTooLong = idleLimit > 0 && nowNanos - c.idleSinceNanos() > idleLimit && open > keep;
                if (tooOld || idleTooLong) {
                    it.remove();
                    retireLocked(c);
                    expired.add(c);
                }
            }
            warm = removed || control.paused() ? 0 : Math.max(0, config.minPoolSize() - open);
            for (int i = 0; i < warm; i++) {
                if (!connections.tryOpen(config.maxDbConnections())) {
                    warm = i; // the database is at maxDbConnections: no minimum beyond it
                    break;
                }
            }
            open += warm;
        }
        expired.forEach(ServerConnection::close);
        for (int i = 0; i < warm; i++) {
            warmUp();
        }
    }

    /**
     * Opens one connection for the idle stack (minimum pool size), on the next event loop borrowers have come from
     * (round-robin; the current context before any borrower came); a failure just frees the slot.
     */
    private void warmUp() {
        Context loop;
        synchronized (this) {
            loop = borrowerLoops.isEmpty() ? null : borrowerLoops.get(nextWarmLoop++ % borrowerLoops.size());
        }
        if (loop == null) {
            warmUpHere();
        } else {
            loop.runOnContext(v -> warmUpHere());
        }
    }

    private void warmUpHere() {
        DatabaseConfig db;
        Supplier<String> pw;
        synchronized (this) {
            db = config;
            pw = password;
        }
        login(db, pw).onComplete(ar -> {
            if (ar.failed()) {
                synchronized (this) {
                    slotFreedLocked();
                }
                traffic.serverLoginFailed(ar.cause().getMessage());
                return;
            }
            // Counted like any other opened connection, or opened/closed drift apart by minPoolSize.
            traffic.serverOpened();
            synchronized (this) {
                lent.add(ar.result());
            }
            release(ar.result(), true);
        });
    }

    /** Takes a connection out of the count once, however many paths try; the caller closes it. */
    private void retireLocked(ServerConnection conn) {
        if (conn.retire()) {
            slotFreedLocked();
            traffic.serverClosed();
        }
        control.forget(conn);
        conn.sink(null);
    }

    private boolean isCurrent(ServerConnection conn) {
        DatabaseConfig now;
        synchronized (this) {
            now = config;
        }
        return conn.config().sameBackend(now);
    }

    /** Serves waiters while connections are idle or may be opened; also settles what administrators wait for. */
    void dispatch() {
        boolean evict = false;
        boolean capped;
        List<Runnable> actions = new ArrayList<>();
        List<Promise<Void>> settled;
        synchronized (this) {
            while (!waiters.isEmpty() && !control.paused()) {
                Waiter head = waiters.peekFirst();
                ServerConnection c = takeIdleOnLoopOf(head.context);
                if (c == null && !idle.isEmpty() && (head.loginFailed || !mayOpenOnOwnLoop())) {
                    c = idle.pollFirst(); // across loops: see the class comment
                }
                if (c != null) {
                    Waiter w = waiters.pollFirst();
                    ServerConnection lendable = c;
                    lent.add(lendable);
                    if (System.nanoTime() - lendable.idleSinceNanos() >= settings.current().get(SERVER_CHECK_DELAY).toNanos()) {
                        actions.add(() -> checkThenLend(w, lendable));
                    } else {
                        actions.add(() -> w.lend(lendable));
                    }
                } else if (open < limitFor(head) && connections.tryOpen(config.maxDbConnections())) {
                    Waiter w = waiters.pollFirst();
                    open++;
                    DatabaseConfig db = config;
                    Supplier<String> pw = password;
                    actions.add(() -> w.context.runOnContext(v -> connectFor(w, db, pw)));
                } else {
                    // Full: of its own, or the database is at maxDbConnections with this pool below its size.
                    evict = open < limitFor(head) && config.maxDbConnections() > 0;
                    break;
                }
            }
            settled = control.settle(open);
            capped = config.maxDbConnections() > 0;
        }
        actions.forEach(Runnable::run);
        settled.forEach(Promise::tryComplete);
        if (evict) {
            // Another of the database's pools holds the slots; an idle one of theirs makes room, as in PgBouncer.
            connections.starving(this);
            connections.evictIdle(this);
        } else if (capped) {
            connections.fed(this);
        }
    }

    /** One connection of this pool is gone (closed, or its login failed): its slot here and in the database. */
    private void slotFreedLocked() {
        open--;
        connections.closed(this, config.maxDbConnections() > 0);
    }

    /**
     * Closes this pool's least recently used idle connection, for another pool of the database at maxDbConnections.
     *
     * @return whether there was one
     */
    boolean closeOldestIdle() {
        ServerConnection oldest;
        synchronized (this) {
            oldest = idle.pollLast();
            if (oldest == null) {
                return false;
            }
            retireLocked(oldest);
        }
        oldest.close();
        return true;
    }

    /**
     * Lends {@code conn} once the server check passes; a connection that fails it is closed and the
     * borrower, back at the head of the queue, gets another one (or a new one in the freed slot).
     */
    private void checkThenLend(Waiter waiter, ServerConnection conn) {
        String query = settings.current().get(SERVER_CHECK_QUERY);
        ServerCheck.run(vertx, conn, query, settings.current().get(SERVER_CONNECT_TIMEOUT)).onComplete(ar -> {
            if (ar.succeeded() && !conn.isClosed()) {
                waiter.lend(conn);
                return;
            }
            BackendUnavailable refusal = null;
            synchronized (this) {
                if (removed) {
                    refusal = BackendUnavailable.gone(database);
                } else if (System.nanoTime() - waiter.deadlineNanos >= 0) {
                    refusal = BackendUnavailable.poolTimeout(database, settings.current().get(QUERY_WAIT_TIMEOUT).toSeconds(), config.poolSize());
                } else {
                    waiters.addFirst(waiter);
                }
            }
            if (refusal != null) {
                waiter.fail(refusal);
            }
            discard(conn); // frees the slot and dispatches: the requeued borrower is first
        });
    }

    /**
     * How many connections this pool may have open for this borrower: the pool size, plus the reserve once it has
     * waited longer than the reserve timeout. The database's cap over all its pools is {@link DatabaseConnections}'s.
     */
    private int limitFor(Waiter waiter) {
        int limit = config.poolSize();
        if (config.reservePoolSize() > 0
                && System.nanoTime() - waiter.sinceNanos >= settings.current().get(RESERVE_POOL_TIMEOUT).toNanos()) {
            limit += config.reservePoolSize();
        }
        return limit;
    }

    /**
     * Whether the head waiter should get a new connection on its own loop rather than another loop's idle one: the
     * pool has room without the reserve, and the last login (for this configuration) did not fail within
     * {@link #OWN_LOOP_RETRY_NANOS} or serverLoginRetry, whichever is longer. Holding the lock.
     */
    private boolean mayOpenOnOwnLoop() {
        if (open >= config.poolSize() || !connections.hasRoom(config.maxDbConnections())) {
            return false;
        }
        if (loginFailure == null || !config.equals(loginFailedFor)) {
            return true;
        }
        long backoff = Math.max(OWN_LOOP_RETRY_NANOS, settings.current().get(SERVER_LOGIN_RETRY).toNanos());
        return System.nanoTime() - loginFailedAtNanos >= backoff;
    }

    /** The most recently used idle connection on the borrower's own event loop, taken out; null when there is none. */
    private ServerConnection takeIdleOnLoopOf(Context context) {
        if (idle.isEmpty()) {
            return null;
        }
        Object loop = loopOf(context);
        for (Iterator<ServerConnection> it = idle.iterator(); it.hasNext(); ) {
            ServerConnection c = it.next();
            if (c.context() == context || loopOf(c.context()) == loop) {
                it.remove();
                return c;
            }
        }
        return null;
    }

    /**
     * The event loop a context runs its tasks on: two contexts of one loop (a wire verticle's, the janitor's, an HTTP
     * tunnel's) share it, and a connection of either serves a borrower of the other without a hop. A worker context
     * is its own.
     */
    private static Object loopOf(Context context) {
        return context.isEventLoopContext() && context instanceof ContextInternal internal ? internal.nettyEventLoop() : context;
    }

    /** Remembers the event loop of a borrower for warm-ups, once per loop. Holding the lock. */
    private void noteBorrowerLoop(Context context) {
        if (!context.isEventLoopContext() || borrowerLoops.size() >= MAX_BORROWER_LOOPS) {
            return;
        }
        Object loop = loopOf(context);
        for (Context known : borrowerLoops) {
            if (loopOf(known) == loop) {
                return;
            }
        }
        // The root of a duplicated context (Quarkus runs requests on those): not one request's local data, kept forever.
        borrowerLoops.add(context instanceof ContextInternal internal ? internal.unwrap() : context);
    }

    /**
     * Opens and logs in one server connection for {@code db}. Fails with a {@link BackendUnavailable} naming the
     * database when its secrets do not open or its TLS settings cannot be used (the message says why, never a
     * value), before any connection is attempted.
     */
    private Future<ServerConnection> login(DatabaseConfig db, Supplier<String> pw) {
        String clear;
        try {
            clear = pw.get();
        } catch (RuntimeException e) {
            return Future.failedFuture(BackendUnavailable.refused(db, e.getMessage()));
        }
        Duration retry = settings.current().get(SERVER_LOGIN_RETRY);
        synchronized (this) {
            // A changed database (address, user, password...) is tried at once.
            if (loginFailure != null && db.equals(loginFailedFor) && System.nanoTime() - loginFailedAtNanos < retry.toNanos()) {
                return Future.failedFuture(BackendUnavailable.notRetried(loginFailure, retry));
            }
        }
        return HostAttempts.run(db, (host, check) -> {
                    NetClient netClient;
                    try {
                        netClient = client.apply(db, host.host());
                    } catch (RuntimeException e) {
                        return Future.failedFuture(BackendUnavailable.refused(db, host, e.getMessage()));
                    }
                    return new ServerLogin(vertx, netClient, db, host, check, clear, passthrough,
                            settings.current().get(SERVER_LOGIN_TIMEOUT), ids.incrementAndGet()).start();
                })
                .andThen(ar -> {
                    synchronized (this) {
                        loginFailure = ar.failed() ? ar.cause() : null;
                        loginFailedFor = db;
                        loginFailedAtNanos = System.nanoTime();
                    }
                });
    }

    private void connectFor(Waiter waiter, DatabaseConfig db, Supplier<String> pw) {
        login(db, pw).onComplete(ar -> {
            if (ar.failed()) {
                connectFailed(waiter, ar.cause());
                return;
            }
            ServerConnection conn = ar.result();
            traffic.serverOpened();
            synchronized (this) {
                lent.add(conn);
            }
            if (!waiter.lend(conn)) {
                // The borrower gave up meanwhile: keep the fresh connection for the next one.
                release(conn, true);
            }
        });
    }

    /**
     * A login for {@code waiter} failed. When another loop has an idle connection, the borrower goes back to the head
     * of the queue and is lent that one (once: a second failure is its answer); otherwise it gets the error.
     */
    private void connectFailed(Waiter waiter, Throwable cause) {
        Throwable refusal = cause;
        synchronized (this) {
            slotFreedLocked();
            if (!waiter.loginFailed && !idle.isEmpty() && !removed && !waiter.promise.future().isComplete()
                    && System.nanoTime() - waiter.deadlineNanos < 0) {
                waiter.loginFailed = true;
                waiters.addFirst(waiter);
                refusal = null;
            }
        }
        traffic.serverLoginFailed(cause.getMessage());
        if (refusal != null) {
            waiter.fail(refusal);
        }
        dispatch();
    }

    private void expire(Waiter waiter) {
        boolean wasWaiting;
        int size;
        synchronized (this) {
            wasWaiting = waiters.remove(waiter);
            size = config.poolSize();
        }
        if (wasWaiting) {
            waiter.fail(BackendUnavailable.poolTimeout(database, settings.current().get(QUERY_WAIT_TIMEOUT).toSeconds(), size));
            dispatch(); // no longer starving for a slot when that was the last waiter
        }
    }

    /** The read-only side: counts, server rows and totals for the admin console, the API and metrics. */
    public PoolView view() {
        return view;
    }

    /** The administrator's side: PAUSE, RESUME, RECONNECT, KILL, DISABLE/ENABLE, WAIT_CLOSE. */
    public PoolAdministration administration() {
        return administration;
    }

    public String database() {
        return database;
    }

    /** Takes every idle connection out of the pool; the caller closes them after unlocking. */
    List<ServerConnection> retireIdleLocked() {
        List<ServerConnection> taken = new ArrayList<>(idle);
        idle.clear();
        taken.forEach(this::retireLocked);
        return taken;
    }

    /** Named statements each server connection keeps in transaction and statement pooling; 0 or less: no mapping. */
    public int maxPreparedStatements() {
        return settings.current().get(MAX_PREPARED_STATEMENTS);
    }

    /** Anything a backend sends to an idle connection (an idle-timeout notice, say) ends it. */
    private final class IdleSink implements ServerConnection.Sink {
        private final ServerConnection conn;

        IdleSink(ServerConnection conn) {
            this.conn = conn;
        }

        @Override
        public void onServerData(io.vertx.core.buffer.Buffer data, boolean endsOnFrameBoundary) {
            discard(conn);
        }

        @Override
        public void onServerClosed() {
            discard(conn);
        }
    }

    /** A borrower waiting on its own context. */
    final class Waiter {
        final Context context;
        final Promise<ServerConnection> promise;
        final long sinceNanos = System.nanoTime();
        /** When the query wait timeout fails this borrower; far away when there is no limit. */
        long deadlineNanos = sinceNanos + Long.MAX_VALUE / 2;
        long timer = -1;
        long reserveTimer = -1;
        /** A login opened for this borrower failed while another loop had an idle connection: it takes one of those. */
        boolean loginFailed;

        Waiter(Context context, Promise<ServerConnection> promise) {
            this.context = context;
            this.promise = promise;
        }

        /** @return false when the borrower had already given up (timed out). */
        boolean lend(ServerConnection conn) {
            vertx.cancelTimer(timer);
            vertx.cancelTimer(reserveTimer);
            if (promise.future().isComplete()) {
                return false;
            }
            traffic.clientWaited(System.nanoTime() - sinceNanos);
            context.runOnContext(v -> {
                if (!promise.tryComplete(conn)) {
                    release(conn, true);
                }
            });
            return true;
        }

        void fail(Throwable cause) {
            vertx.cancelTimer(timer);
            vertx.cancelTimer(reserveTimer);
            context.runOnContext(v -> promise.tryFail(cause));
        }
    }
}
