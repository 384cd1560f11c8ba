package io.portcullis.tls;

import java.util.List;

/**
 * The cipher suites of the security checklist: every TLS 1.3 suite (all AEAD), and for TLS 1.2 only
 * ECDHE key exchange (forward secrecy) with an AEAD cipher (GCM or ChaCha20-Poly1305). No CBC, no SHA-1
 * MACs, no static RSA. JSSE names; an engine that lacks one simply does not offer it.
 */
public final class ModernCipherSuites {

    public static final List<String> ALL = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private ModernCipherSuites() {
    }
}
