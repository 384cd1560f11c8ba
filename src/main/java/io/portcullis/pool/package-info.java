/**
 * Server connections per database: logging in to the backend (TLS first when the database asks for it; for a
 * database with several hosts, trying them in order or at random and checking each new connection against its
 * {@code targetSessionAttrs}, {@link io.portcullis.pool.HostAttempts}),
 * lending and returning connections, the bounded wait queue, the clean hand-over (closing what the previous
 * client prepared), the check of long-idle connections before they are lent, and the per-user cap on server
 * connections.
 *
 * <p>A database has the pool of its own user and, when it looks users up in its backend ({@code authUser}), a small
 * pool the lookups ({@link io.portcullis.pool.AuthQuery}) run on and one pool per looked-up user, which logs in
 * with what that user's client proof gave away ({@link io.portcullis.auth.PassthroughSecret}); all of them share
 * the database's traffic totals and follow its administrator's orders ({@link io.portcullis.pool.PoolManager}).
 *
 * <p>Each pool has three sides: a {@link io.portcullis.pool.Pool} lends, and only through a session's
 * {@link io.portcullis.pool.SessionLender} (moved here from {@code proxy}), the one way a connection goes back,
 * which frees the user's place with it; its {@link io.portcullis.pool.PoolAdministration} takes an
 * administrator's orders; its {@link io.portcullis.pool.PoolView} is what reports and metrics read.
 *
 * <p>May use: {@code wire}, {@code net}, {@code auth}, {@code config}, {@code prepared} (the statement cache each
 * server connection carries), {@code tls} (the backend TLS profile, client options and upgrade: the one place
 * that calls Vert.x's TLS API lives there).
 */
package io.portcullis.pool;
