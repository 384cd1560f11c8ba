/**
 * The channel between replicas that share a configuration store: a CancelRequest that reaches a replica which
 * does not own the session is forwarded to the replica that does. Each session's BackendKeyData carries its
 * replica's peer id ({@link io.portcullis.peer.CancelKeys}); each replica listens on a peer port and publishes
 * where in the registry ({@link io.portcullis.peer.PeerChannel}). Messages are sealed with a key derived from
 * the secret key the replicas share ({@link io.portcullis.peer.PeerMessages}): the peer port acts on nothing a
 * stranger sends, and a message cannot be replayed ({@link io.portcullis.peer.ReplayGuard}).
 *
 * <p>May use: {@code cluster} (who the peers are and where they listen), {@code config} (the secret key, which
 * store is in use), {@code log}.
 */
package io.portcullis.peer;
