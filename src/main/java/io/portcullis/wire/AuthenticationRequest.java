package io.portcullis.wire;

import io.vertx.core.buffer.Buffer;

/**
 * An Authentication ('R') message from a backend.
 *
 * @param code one of the {@code MessageTypes.AUTH_*} codes
 * @param data the bytes after the code: md5 salt, SASL mechanism list or SASL server message (a copy)
 */
public record AuthenticationRequest(int code, Buffer data) {
    @Override
    public String toString() {
        return "AuthenticationRequest[code=" + code + ", data=(" + data.length() + " bytes)]";
    }
}
