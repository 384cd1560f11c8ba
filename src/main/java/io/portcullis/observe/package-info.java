/**
 * Operations: health checks (liveness, readiness, startup, the {@code backends} group), Prometheus
 * metrics, and the JSON console logging switch. Reads cached state only; never blocks an event loop
 * or dials a backend per probe. Hooks into the wire path are the {@code pool} and {@code proxy}
 * observer interfaces this package implements ({@link io.portcullis.pool.PoolObserver},
 * {@link io.portcullis.proxy.GatewayEvents}).
 *
 * <p>May use: everything, read-only.
 */
package io.portcullis.observe;
