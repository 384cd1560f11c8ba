package io.portcullis.tls;

import java.math.BigInteger;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.KeyDerivationFunc;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBEParameter;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCS12PBEParams;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;

/**
 * Bounds the work an encrypted private key may ask for before it is decrypted. The key derivation
 * parameters (iteration count, derived key length) come from the uploaded PEM itself, so without a
 * bound one request could keep a worker busy for hours (2<sup>31</sup> PBKDF2 iterations). Real
 * tools stay far below the bounds: OpenSSL encrypts PKCS#8 with 2,048 PBKDF2 iterations. scrypt
 * (whose parameters could also ask for a terabyte of memory) is refused outright: the decryptor
 * used here does not support it.
 */
final class KeyEncryptionLimits {

    /** PBKDF2 / PKCS#12 / PKCS#5 v1 iterations: about a second of one core at the bound. */
    static final int MAX_ITERATIONS = 1_000_000;
    /** Longest derived key any supported cipher needs (AES-256: 32 bytes), with room to spare. */
    static final int MAX_DERIVED_KEY_BYTES = 64;

    /** RFC 7914 §7: id-scrypt. BouncyCastle keeps its own constant in an internal package. */
    private static final ASN1ObjectIdentifier SCRYPT = new ASN1ObjectIdentifier("1.3.6.1.4.1.11591.4.11");
    /** PKCS#12 password-based encryption schemes (pbeWithSHAAnd...): 1.2.840.113549.1.12.1.*. */
    private static final ASN1ObjectIdentifier PKCS12_PBE = PKCSObjectIdentifiers.pkcs_12PbeIds;
    /** PKCS#5 v1 schemes (pbeWithMD5AndDES-CBC, ...): 1.2.840.113549.1.5.*, except PBES2 itself. */
    private static final ASN1ObjectIdentifier PKCS5 = PKCSObjectIdentifiers.pkcs_5;

    private KeyEncryptionLimits() {
    }

    /**
     * Refuses an encryption scheme whose key derivation would cost more than the bounds above.
     *
     * @throws CertificateMaterialException saying which parameter is too large, or that the scheme is not supported
     */
    static void check(AlgorithmIdentifier encryption) {
        try {
            ASN1ObjectIdentifier scheme = encryption.getAlgorithm();
            if (PKCSObjectIdentifiers.id_PBES2.equals(scheme)) {
                checkPbes2(PBES2Parameters.getInstance(encryption.getParameters()).getKeyDerivationFunc());
            } else if (scheme.on(PKCS12_PBE)) {
                requireIterations(PKCS12PBEParams.getInstance(encryption.getParameters()).getIterations());
            } else if (scheme.on(PKCS5)) {
                requireIterations(PBEParameter.getInstance(encryption.getParameters()).getIterationCount());
            } else {
                throw unsupported(scheme.getId());
            }
        } catch (IllegalArgumentException | IllegalStateException | NullPointerException | ClassCastException e) {
            // BouncyCastle's getInstance methods throw these for parameters of the wrong shape.
            throw new CertificateMaterialException("the private key's encryption parameters are malformed", e);
        }
    }

    private static void checkPbes2(KeyDerivationFunc function) {
        ASN1ObjectIdentifier kdf = function.getAlgorithm();
        if (PKCSObjectIdentifiers.id_PBKDF2.equals(kdf)) {
            PBKDF2Params params = PBKDF2Params.getInstance(function.getParameters());
            requireIterations(params.getIterationCount());
            requireKeyLength(params.getKeyLength());
        } else if (SCRYPT.equals(kdf)) {
            // BouncyCastle's OpenSSL PKCS#8 decryptor reads only PBKDF2 parameters; it would fail with a
            // misleading "wrong passphrase" after parsing, so say what is wrong before that.
            throw new CertificateMaterialException("the private key is encrypted with scrypt, which is not supported;"
                    + " re-encrypt it with PBKDF2 (openssl pkcs8 -topk8 -v2 aes-256-cbc) or supply it decrypted");
        } else {
            throw unsupported(kdf.getId());
        }
    }

    /** Also for the JDK's own reading of the parameters before it decrypts ({@link PemReader}). */
    static void requireIterations(BigInteger iterations) {
        if (iterations.signum() <= 0 || iterations.compareTo(BigInteger.valueOf(MAX_ITERATIONS)) > 0) {
            throw new CertificateMaterialException("the private key is encrypted with " + iterations
                    + " key derivation iterations; between 1 and " + MAX_ITERATIONS + " are allowed: re-encrypt it or supply it decrypted");
        }
    }

    private static void requireKeyLength(BigInteger keyLength) {
        if (keyLength != null && (keyLength.signum() <= 0
                || keyLength.compareTo(BigInteger.valueOf(MAX_DERIVED_KEY_BYTES)) > 0)) {
            throw new CertificateMaterialException("the private key's encryption asks for a derived key of "
                    + keyLength + " bytes; at most " + MAX_DERIVED_KEY_BYTES + " are allowed");
        }
    }

    private static CertificateMaterialException unsupported(String oid) {
        return new CertificateMaterialException("the private key is encrypted with a scheme that is not supported (" + oid
                + "); supply it decrypted or as PKCS#8 encrypted with AES (PBES2 with PBKDF2)");
    }
}
