package io.portcullis.auth;

import io.portcullis.auth.AuthenticationFailure.Reason;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Parses the two messages a SCRAM client sends (RFC 5802 §7) the way PostgreSQL's server does:
 * the user name in client-first is read and ignored (the user comes from the startup packet), an
 * authorization identity and the reserved {@code m=} extension are refused, other extensions are
 * skipped. The parts that enter the AuthMessage are kept exactly as received.
 *
 * <p>The SCRAM library's own parser is not used for client-first because it refuses the empty
 * user name ({@code n=,}) that libpq sends, and it has none for client-final.
 */
final class ScramClientMessages {

    /**
     * Upper bound on either client message. Real clients send under 200 bytes (the longest part is
     * a SASL-escaped user name of at most 63 bytes); anything far larger is not a SCRAM client.
     */
    static final int MAX_MESSAGE_BYTES = 4096;

    /** client-first-message: {@code gs2Header} is e.g. {@code "n,,"}, {@code bare} the rest. */
    record ClientFirst(String gs2Header, String bare, String clientNonce) {
    }

    /** client-final-message; {@code withoutProof} is what enters the AuthMessage. */
    record ClientFinal(byte[] channelBinding, String nonce, String withoutProof, byte[] proof) {
    }

    private ScramClientMessages() {
    }

    static ClientFirst parseClientFirst(byte[] message) throws AuthenticationFailure {
        String text = decode(message, "client-first-message");
        if (text.isEmpty()) {
            throw malformed("client-first-message is empty");
        }
        char flag = text.charAt(0);
        if (flag == 'p') {
            throw new AuthenticationFailure(Reason.UNSUPPORTED_FEATURE,
                    "client requires channel binding, but SCRAM-SHA-256-PLUS was not offered");
        }
        if ((flag != 'n' && flag != 'y') || text.length() < 2 || text.charAt(1) != ',') {
            throw malformed("client-first-message has no valid gs2 channel-binding flag");
        }
        int authzidEnd = text.indexOf(',', 2);
        if (authzidEnd < 0) {
            throw malformed("client-first-message has an incomplete gs2 header");
        }
        if (authzidEnd != 2) {
            throw new AuthenticationFailure(Reason.UNSUPPORTED_FEATURE,
                    "client sent an authorization identity, which is not supported");
        }
        String gs2Header = text.substring(0, authzidEnd + 1);
        String bare = text.substring(authzidEnd + 1);
        String[] attributes = bare.split(",", -1);
        if (attributes[0].startsWith("m=")) {
            throw new AuthenticationFailure(Reason.UNSUPPORTED_FEATURE,
                    "client-first-message uses the reserved mandatory extension m=");
        }
        if (!attributes[0].startsWith("n=")) {
            throw malformed("client-first-message lacks the user name attribute n=");
        }
        if (attributes.length < 2 || !attributes[1].startsWith("r=")) {
            throw malformed("client-first-message lacks the nonce attribute r=");
        }
        String nonce = attributes[1].substring(2);
        if (nonce.isEmpty() || !isPrintable(nonce)) {
            throw malformed("client nonce is empty or not printable ASCII");
        }
        for (int i = 2; i < attributes.length; i++) {
            requireExtension(attributes[i], "client-first-message");
        }
        return new ClientFirst(gs2Header, bare, nonce);
    }

    static ClientFinal parseClientFinal(byte[] message) throws AuthenticationFailure {
        String text = decode(message, "client-final-message");
        String[] attributes = text.split(",", -1);
        if (attributes.length < 3) {
            throw malformed("client-final-message needs at least c=, r= and p=");
        }
        if (!attributes[0].startsWith("c=")) {
            throw malformed("client-final-message lacks the channel-binding attribute c=");
        }
        if (!attributes[1].startsWith("r=")) {
            throw malformed("client-final-message lacks the nonce attribute r=");
        }
        String proofAttribute = attributes[attributes.length - 1];
        if (!proofAttribute.startsWith("p=")) {
            throw malformed("client-final-message does not end with the proof attribute p=");
        }
        for (int i = 2; i < attributes.length - 1; i++) {
            requireExtension(attributes[i], "client-final-message");
        }
        byte[] channelBinding = base64(attributes[0].substring(2), "channel-binding data");
        byte[] proof = base64(proofAttribute.substring(2), "client proof");
        if (proof.length != ScramVerifier.KEY_BYTES) {
            throw malformed("client proof is not " + ScramVerifier.KEY_BYTES + " bytes");
        }
        String withoutProof = text.substring(0, text.length() - proofAttribute.length() - 1);
        return new ClientFinal(channelBinding, attributes[1].substring(2), withoutProof, proof);
    }

    /** Strict UTF-8, so that re-encoding for the AuthMessage gives back exactly the bytes received. */
    private static String decode(byte[] message, String what) throws AuthenticationFailure {
        if (message == null) {
            // SASLInitialResponse with data length -1: the protocol allows it, SCRAM does not.
            throw malformed(what + " is missing");
        }
        if (message.length > MAX_MESSAGE_BYTES) {
            throw malformed(what + " is longer than " + MAX_MESSAGE_BYTES + " bytes");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(message)).toString();
        } catch (CharacterCodingException e) {
            throw malformed(what + " is not valid UTF-8");
        }
    }

    /** RFC 5802 {@code attr-val}: one ASCII letter, '=', then a value without ','. */
    private static void requireExtension(String attribute, String what) throws AuthenticationFailure {
        if (attribute.length() < 2 || !isAsciiLetter(attribute.charAt(0)) || attribute.charAt(1) != '=') {
            throw malformed(what + " has a malformed attribute");
        }
    }

    private static byte[] base64(String value, String what) throws AuthenticationFailure {
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw malformed(what + " is not valid base64");
        }
    }

    /** RFC 5802 {@code printable}: %x21-2B / %x2D-7E, i.e. visible ASCII except ','. */
    private static boolean isPrintable(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7E || c == ',') {
                return false;
            }
        }
        return true;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static AuthenticationFailure malformed(String logMessage) {
        return new AuthenticationFailure(Reason.MALFORMED_MESSAGE, logMessage);
    }
}
