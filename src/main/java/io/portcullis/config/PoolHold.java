package io.portcullis.config;

/**
 * What the gateway as a whole holds a database's pool to, set through the API ({@code POST /api/v1/pools/{db}/pause},
 * {@code disable}, and undone by {@code resume}, {@code enable}) and stored, so that every replica sharing the store
 * applies it, including one that starts or restarts later. The admin console's PAUSE and DISABLE act on one process
 * only, as in PgBouncer, and are not stored.
 *
 * @param paused   no server connection is lent (PAUSE): queries and logins wait
 * @param disabled new logins are refused with 57P03 (DISABLE)
 */
public record PoolHold(boolean paused, boolean disabled) {

    /** Neither: what a database without an entry has. */
    public static final PoolHold NONE = new PoolHold(false, false);

    public PoolHold withPaused(boolean now) {
        return new PoolHold(now, disabled);
    }

    public PoolHold withDisabled(boolean now) {
        return new PoolHold(paused, now);
    }

    boolean none() {
        return !paused && !disabled;
    }
}
