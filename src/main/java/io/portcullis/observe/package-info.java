/**
 * Operations: health checks (liveness, readiness, startup, the {@code backends} group), Prometheus
 * metrics, and the JSON console logging switch. Reads cached state only; never blocks an event loop
 * or dials a backend per probe. Hooks into the wire path are the {@code pool} and {@code proxy}
 * observer interfaces this package implements ({@link io.portcullis.pool.PoolObserver},
 * {@link io.portcullis.proxy.GatewayEvents}).
 *
 * <p>Unauthenticated readers ({@code /q/*} needs no token) learn status only: per check and per database, never
 * a host, port, user, backend error text, or whether a failed login named an existing user.
 *
 * <p>May use: everything, read-only.
 */
package io.portcullis.observe;
