/**
 * Socket plumbing under the wire protocol: a client's byte stream whatever carries it ({@link
 * io.portcullis.net.ClientStream}: a TCP socket, or a WebSocket's binary messages on the HTTP port); reading its bytes as Netty delivers them, without
 * the copy Vert.x makes of every read, and the ownership rules that come with that (every chunk read
 * is either written once, which hands it to Netty, or released); and writing to a client under the one
 * backpressure rule every client write obeys ({@link io.portcullis.net.OutboundBytes}: a full write
 * queue stops what feeds it, its own socket's reads first, each pause kept apart by its reason in
 * {@link io.portcullis.net.InboundBytes}).
 *
 * <p>May use: nothing of ours (Vert.x and Netty only).
 */
package io.portcullis.net;
