/**
 * The PostgreSQL wire protocol: message codes, startup-packet parsing (SSLRequest, GSSENCRequest,
 * CancelRequest, StartupMessage 3.0/3.2), framing of a byte stream, reading the few message fields
 * the gateway needs, and encoding the messages the gateway itself writes. Limits are named
 * constants with their reason.
 *
 * <p>May use: nothing of ours (Vert.x {@code Buffer} only).
 */
package io.portcullis.wire;
