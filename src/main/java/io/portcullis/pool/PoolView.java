package io.portcullis.pool;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What one pool shows and nothing it does: its counts, its server connections as rows, its traffic
 * totals and the administrator's flags, for the admin console ({@code SHOW POOLS}, {@code SHOW SERVERS},
 * {@code SHOW STATS}), the REST API and metrics. Reads take the pool's lock briefly (no I/O under it);
 * none is on the wire path.
 */
public final class PoolView {

    private final Pool pool;

    PoolView(Pool pool) {
        this.pool = pool;
    }

    public String database() {
        return pool.database;
    }

    /** The backend user this pool logs in as: the database's own, its lookups', or one looked up in the backend. */
    public String user() {
        synchronized (pool) {
            return pool.user();
        }
    }

    /** Whether this pool serves a user looked up in the backend (its clients are that user's sessions). */
    public boolean passesThrough() {
        return pool.passesThrough();
    }

    /** A snapshot for the admin console and metrics. */
    public PoolStats stats() {
        synchronized (pool) {
            Pool.Waiter oldest = pool.waiters.peekFirst();
            long oldestWait = oldest == null ? 0 : System.nanoTime() - oldest.sinceNanos;
            return new PoolStats(pool.database, pool.config.poolSize(), pool.open, pool.idle.size(), pool.lent.size(),
                    pool.waiters.size(), pool.handingOver.size(), oldestWait);
        }
    }

    /** This database's traffic totals since the process started (admin console {@code SHOW STATS}). */
    public TrafficSnapshot totals() {
        return pool.totals.snapshot();
    }

    /** Whether an administrator paused the pool (PAUSE or KILL, until RESUME). */
    public boolean paused() {
        synchronized (pool) {
            return pool.control.paused();
        }
    }

    /** Whether new client logins are refused (DISABLE); read on every login, so not behind the lock. */
    public boolean disabled() {
        return pool.control.disabled();
    }

    /** The open server connections (those still logging in have no row yet), for SHOW SERVERS. */
    public List<ServerInfo> servers() {
        long nowNanos = System.nanoTime();
        Instant now = Instant.now();
        synchronized (pool) {
            List<ServerInfo> rows = new ArrayList<>(pool.idle.size() + pool.lent.size() + pool.handingOver.size());
            pool.lent.forEach(c -> rows.add(serverInfo(c, ServerInfo.ACTIVE, now, nowNanos)));
            pool.idle.forEach(c -> rows.add(serverInfo(c, ServerInfo.IDLE, now, nowNanos)));
            pool.handingOver.forEach(c -> rows.add(serverInfo(c, ServerInfo.USED, now, nowNanos)));
            return rows;
        }
    }

    /** Holding the pool's lock. */
    private ServerInfo serverInfo(ServerConnection c, String state, Instant now, long nowNanos) {
        io.vertx.core.net.SocketAddress local = c.socket().localAddress();
        javax.net.ssl.SSLSession tls = c.socket().isSsl() ? c.socket().sslSession() : null;
        return new ServerInfo(c.id(), pool.database, c.config().user(), state, c.host(), c.port(),
                local == null ? null : local.hostAddress(), local == null ? 0 : local.port(),
                now.minusNanos(nowNanos - c.createdNanos()), now.minusNanos(nowNanos - c.idleSinceNanos()),
                pool.control.mustClose(c), c.backendProcessId(),
                tls == null ? "" : tls.getProtocol() + "/" + tls.getCipherSuite());
    }
}
