/**
 * The {@code tunnel} command: a local TCP port whose every connection is carried over its own WebSocket to a
 * gateway's {@code /v2}, so clients that speak only TCP (psql, pgJDBC, psycopg, pgbench) reach a gateway that is
 * only reachable over HTTPS (Knative, an HTTP-only ingress). Runs on plain Vert.x, without the gateway's
 * application: it needs no data directory, key or store.
 *
 * <p>May use: nothing of ours (Vert.x only).
 */
package io.portcullis.tunnel;
