/**
 * The cluster of replicas sharing one configuration store: who is there, where each can be reached, which
 * configuration version each has applied and whether it is ready. {@link io.portcullis.cluster.ReplicaRegistry}
 * is the one entry point. With the PostgreSQL store every replica keeps one row of {@code <config table>_replicas}
 * up to date ({@link io.portcullis.cluster.PostgresReplicaDirectory}, its SQL all in
 * {@link io.portcullis.cluster.ReplicaTable}) and reads the others' rows; with the file store the registry knows
 * only this process ({@link io.portcullis.cluster.LocalReplicaDirectory}) and writes nothing. The REST API
 * ({@code GET /api/v1/replicas}), the admin console ({@code SHOW PEERS}) and the metrics read it; later the peer
 * channel (cancels forwarded to the replica that owns a session) and gateway-wide controls build on the same rows:
 * each row has a peer id (small, unique among rows, for BackendKeyData) and a field for the peer listener's address.
 *
 * <p>Blocking work (the store's SQL) runs on the registry's own heartbeat thread and on API worker threads, never
 * on an event loop: the console and the metrics read the last snapshot.
 *
 * <p>May use: {@code config} (which store is in use and its connection settings, the change events whose
 * versions a replica reports as applied), {@code log}.
 */
package io.portcullis.cluster;
