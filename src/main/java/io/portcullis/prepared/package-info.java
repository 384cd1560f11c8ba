/**
 * Protocol-level named prepared statements under transaction and statement pooling, where a client
 * gets another server connection for every transaction: the client's statement names are mapped to
 * names the gateway owns, each server connection remembers what is prepared on it (bounded, least
 * recently used closed first), and a statement missing on the connection a client now holds is
 * prepared there on the fly. Both byte streams are rewritten frame by frame, only where they change;
 * the answers the gateway gives itself, and the backend answers it swallows, are kept in wire order
 * by a plan of expected responses (see {@link io.portcullis.prepared.StatementMapping}). The mapping's scan of the
 * client's stream is the only one: the session's own bookkeeping is handed each frame from it.
 *
 * <p>May use: {@code wire}.
 */
package io.portcullis.prepared;
