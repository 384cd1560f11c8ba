package io.portcullis.wire;

import io.vertx.core.buffer.Buffer;

/**
 * A BackendKeyData message: what a client needs to cancel a query on this connection.
 *
 * @param secretKey 4 bytes in protocol 3.0, up to 256 in 3.2; a copy, independent of the frame
 */
public record BackendKeyData(int processId, Buffer secretKey) {
    @Override
    public String toString() {
        return "BackendKeyData[processId=" + processId + ", secretKey=(" + secretKey.length() + " bytes)]";
    }
}
