package io.portcullis.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * A validated server certificate chain with its private key: what the TLS listener serves.
 *
 * <p>Built only by {@link #parse}, which guarantees: at least one certificate, the server
 * certificate first and each next certificate its issuer, the key belongs to the first
 * certificate, every certificate valid now, an RSA or EC key (the kinds Vert.x's PEM loader
 * takes). The PEM components are the normalised form of the input: the certificates re-encoded,
 * the key as unencrypted PKCS#8 ({@code PRIVATE KEY}), whatever form it came in.
 *
 * @param certificateChainPem the chain as {@code CERTIFICATE} blocks, server certificate first
 * @param privateKeyPem the key as one unencrypted PKCS#8 block; a secret
 * @param chain the parsed chain, server certificate first
 * @param key the private key of {@code chain.get(0)}
 */
public record TlsMaterial(
        String certificateChainPem, String privateKeyPem, List<X509Certificate> chain, PrivateKey key) {

    public TlsMaterial {
        Objects.requireNonNull(certificateChainPem, "certificateChainPem");
        Objects.requireNonNull(privateKeyPem, "privateKeyPem");
        Objects.requireNonNull(key, "key");
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a TLS chain needs at least one certificate");
        }
    }

    /** {@link #parse(String, String, char[], Clock)} with no passphrase, validated against the system clock. */
    public static TlsMaterial parse(String chainPem, String keyPem) {
        return parse(chainPem, keyPem, null, Clock.systemUTC());
    }

    /**
     * Parses and validates a chain and its key.
     *
     * @param chainPem one or more {@code CERTIFICATE} blocks, server certificate first
     * @param keyPem the private key: PKCS#8, PKCS#1 (RSA) or SEC1 (EC), optionally encrypted
     * @param passphrase decrypts an encrypted key; {@code null} when the key is not encrypted
     * @param clock decides whether the certificates are valid "now"
     * @throws CertificateMaterialException naming exactly what is wrong
     */
    public static TlsMaterial parse(String chainPem, String keyPem, char[] passphrase, Clock clock) {
        TlsMaterial material = parseIgnoringValidity(chainPem, keyPem, passphrase);
        material.requireValidAt(clock.instant());
        return material;
    }

    /** Every check of {@link #parse} except the validity period, for deciding what to do with an expired file. */
    static TlsMaterial parseIgnoringValidity(String chainPem, String keyPem, char[] passphrase) {
        List<X509Certificate> chain = PemReader.certificates(chainPem);
        PrivateKey key = PemReader.privateKey(keyPem, passphrase);
        ChainChecks.requireSupportedKey(key);
        ChainChecks.requireKeyMatchesLeaf(chain, key);
        ChainChecks.requireIssuerOrder(chain);
        return new TlsMaterial(pem(chain.toArray()), pemPkcs8(key), chain, key);
    }

    /**
     * Checks that every certificate of the chain is valid at {@code now}.
     *
     * @throws CertificateMaterialException saying which certificate expired or is not yet valid
     */
    public void requireValidAt(Instant now) {
        ChainChecks.requireValidAt(chain, now);
    }

    /** The server certificate, the one the key belongs to. */
    public X509Certificate leaf() {
        return chain.get(0);
    }

    /** What the server certificate says, for the API and the log. */
    public CertificateInfo info() {
        return CertificateInfo.of(leaf());
    }

    /** The PEM pair, for storing. */
    public PemMaterial pem() {
        return new PemMaterial(certificateChainPem, privateKeyPem);
    }

    /** Leaves the key out, so that logging this record cannot leak it. */
    @Override
    public String toString() {
        return "TlsMaterial[" + info().subject() + ", sha256=" + info().sha256Fingerprint()
                + ", chain=" + chain.size() + ", key=<redacted>]";
    }

    private static String pemPkcs8(PrivateKey key) {
        try {
            return pem(new JcaPKCS8Generator(key, null));
        } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
            throw new CertificateMaterialException("the private key cannot be encoded as PKCS#8: " + e.getMessage(), e);
        }
    }

    /** PEM blocks of BouncyCastle-encodable objects (certificates, PKCS#8 generators), in order. */
    static String pem(Object... objects) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            for (Object object : objects) {
                writer.writeObject(object);
            }
        } catch (IOException e) {
            throw new CertificateMaterialException("cannot encode PEM: " + e.getMessage(), e);
        }
        return text.toString();
    }
}
