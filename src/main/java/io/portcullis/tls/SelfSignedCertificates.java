package io.portcullis.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;

/**
 * Generates a self-signed server certificate so that TLS works on first start, before anyone has
 * uploaded a real one. EC P-256 with ECDSA/SHA-256: small, fast to handshake and accepted by every
 * PostgreSQL client.
 *
 * <p>Key generation and signing use the JDK's own providers (SunEC); BouncyCastle only builds the
 * certificate structure and writes PEM, so nothing is registered as a global JCA provider. Key
 * generation takes milliseconds: call it from a worker thread, never an event loop.
 */
public final class SelfSignedCertificates {

    /** Backdating {@code notBefore} absorbs clock skew between the gateway and its clients. */
    static final Duration CLOCK_SKEW_ALLOWANCE = Duration.ofMinutes(5);

    /** RFC 5280 upper bound for a common name (ub-common-name). */
    static final int MAX_COMMON_NAME_LENGTH = 64;

    /** RFC 5280 §4.1.2.2 allows 20 octets; 128 random bits are unique without guessing. */
    private static final int SERIAL_BITS = 128;

    private static final String CURVE = "secp256r1";
    private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";

    private SelfSignedCertificates() {
    }

    /** Like {@link #generate(String, List, List, Duration, SecureRandom, Clock)} with the system clock. */
    public static PemMaterial generate(
            String commonName, List<String> dnsNames, List<String> ipAddresses, Duration validity,
            SecureRandom random) {
        return generate(commonName, dnsNames, ipAddresses, validity, random, Clock.systemUTC());
    }

    /**
     * Generates a fresh key pair and a self-signed certificate for it.
     *
     * @param commonName the subject CN, at most 64 characters; clients check the SANs, not this
     * @param dnsNames DNS subjectAltNames (wildcards such as {@code *.example.com} allowed)
     * @param ipAddresses IP subjectAltNames as IPv4 or IPv6 literals
     * @param validity how long from now the certificate is valid; must be positive
     * @param random the randomness for the key and the serial number
     * @param clock "now"; {@code notBefore} is backdated by {@link #CLOCK_SKEW_ALLOWANCE}
     * @throws IllegalArgumentException for an empty or over-long CN, a blank DNS name, a string
     *     that is not an IP literal, or a non-positive validity
     */
    public static PemMaterial generate(
            String commonName, List<String> dnsNames, List<String> ipAddresses, Duration validity,
            SecureRandom random, Clock clock) {
        Objects.requireNonNull(random, "random");
        X500Name subject = subject(commonName);
        List<GeneralName> altNames = altNames(dnsNames, ipAddresses);
        if (validity == null || validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("certificate validity must be positive, not " + validity);
        }
        Instant now = clock.instant();
        try {
            KeyPair keyPair = newKeyPair(random);
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    subject,
                    new BigInteger(SERIAL_BITS, random).setBit(SERIAL_BITS - 1),
                    Date.from(now.minus(CLOCK_SKEW_ALLOWANCE)),
                    Date.from(now.plus(validity)),
                    subject,
                    keyPair.getPublic());
            JcaX509ExtensionUtils extensionUtils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensionUtils.createSubjectKeyIdentifier(keyPair.getPublic()));
            if (!altNames.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(altNames.toArray(GeneralName[]::new)));
            }
            ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE_ALGORITHM)
                    .setSecureRandom(random)
                    .build(keyPair.getPrivate());
            X509CertificateHolder certificate = builder.build(signer);
            return new PemMaterial(pem(certificate), pem(new JcaPKCS8Generator(keyPair.getPrivate(), null)));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot generate a self-signed certificate: " + e.getMessage(), e);
        }
    }

    private static KeyPair newKeyPair(SecureRandom random) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(CURVE), random);
        return generator.generateKeyPair();
    }

    private static X500Name subject(String commonName) {
        if (commonName == null || commonName.isBlank()) {
            throw new IllegalArgumentException("the certificate's common name must not be empty");
        }
        if (commonName.length() > MAX_COMMON_NAME_LENGTH) {
            throw new IllegalArgumentException("the certificate's common name must be at most "
                    + MAX_COMMON_NAME_LENGTH + " characters (RFC 5280); put longer names in the subjectAltNames");
        }
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    }

    private static List<GeneralName> altNames(List<String> dnsNames, List<String> ipAddresses) {
        List<GeneralName> names = new ArrayList<>();
        for (String dnsName : dnsNames == null ? List.<String>of() : dnsNames) {
            if (dnsName == null || dnsName.isBlank() || !dnsName.equals(dnsName.strip())) {
                throw new IllegalArgumentException("'" + dnsName + "' is not a DNS name");
            }
            names.add(new GeneralName(GeneralName.dNSName, dnsName));
        }
        for (String ip : ipAddresses == null ? List.<String>of() : ipAddresses) {
            if (ip == null || !IPAddress.isValid(ip)) {
                throw new IllegalArgumentException("'" + ip + "' is not an IPv4 or IPv6 address");
            }
            names.add(new GeneralName(GeneralName.iPAddress, ip));
        }
        return names;
    }

    private static String pem(Object object) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        return text.toString();
    }
}
