/**
 * The PostgreSQL wire protocol: message codes, startup-packet parsing (SSLRequest, GSSENCRequest,
 * CancelRequest, StartupMessage 3.0/3.2), framing of a byte stream, reading the few message fields
 * the gateway needs, and encoding the messages the gateway itself writes. The protocol's constants
 * are named once, in {@link io.portcullis.wire.MessageTypes}; each limit is a named constant, with its
 * reason, on the decoder that enforces it ({@link io.portcullis.wire.FrameDecoder},
 * {@link io.portcullis.wire.StartupDecoder}).
 *
 * <p>May use: nothing of ours (Vert.x {@code Buffer} only).
 */
package io.portcullis.wire;
