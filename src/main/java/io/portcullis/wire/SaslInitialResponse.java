package io.portcullis.wire;

/**
 * A SASLInitialResponse from a client: the mechanism it chose and its first message.
 *
 * @param data the client-first-message, or null when the client sent length -1 (no data);
 *     compared by identity (arrays), so do not rely on record equality
 */
public record SaslInitialResponse(String mechanism, byte[] data) {
    @Override
    public String toString() {
        return "SaslInitialResponse[mechanism=" + mechanism + ", data=" + (data == null ? "none" : data.length + " bytes") + "]";
    }
}
