package io.portcullis.testing;

import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/** A throw-away PKI for TLS tests: CAs, server and client certificates, CSR signing, key files for pgJDBC. */
public final class TestPki {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A certificate with its key. */
    public record Issued(X509Certificate certificate, KeyPair keys) {
        public String certificatePem() {
            return pem(certificate);
        }

        public String keyPem() throws Exception {
            return pem(new JcaPKCS8Generator(keys.getPrivate(), null));
        }

        public String encryptedKeyPem(String passphrase) throws Exception {
            return pem(new JcaPKCS8Generator(keys.getPrivate(), new JceOpenSSLPKCS8EncryptorBuilder(
                    org.bouncycastle.openssl.PKCS8Generator.AES_256_CBC).setProvider(new BouncyCastleProvider())
                    .setPassword(passphrase.toCharArray()).build()));
        }

        /** Writes {@code name.crt} (PEM) and {@code name.pk8} (DER PKCS#8, what every pgJDBC reads) into {@code dir}. */
        public Path[] writeClientFiles(Path dir, String name) throws Exception {
            Path crt = dir.resolve(name + ".crt");
            Path key = dir.resolve(name + ".pk8");
            Files.writeString(crt, certificatePem());
            Files.write(key, keys.getPrivate().getEncoded());
            Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            return new Path[] {crt, key};
        }
    }

    private TestPki() {
    }

    public static KeyPair keyPair() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }

    public static Issued ca(String commonName) throws Exception {
        KeyPair keys = keyPair();
        X500Name name = new X500Name("CN=" + commonName);
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(30))), name, keys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        return new Issued(sign(builder, keys), keys);
    }

    public static Issued server(Issued ca, String commonName, Instant notBefore, Instant notAfter) throws Exception {
        KeyPair keys = keyPair();
        X509v3CertificateBuilder builder = leaf(ca, new X500Name("CN=" + commonName), keys.getPublic(), notBefore, notAfter)
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                        new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        return new Issued(sign(builder, ca.keys()), keys);
    }

    /** A server certificate for exactly these DNS names and IP addresses (subjectAltNames), valid from an hour ago for a day. */
    public static Issued server(Issued ca, String commonName, List<String> dnsNames, List<String> ipAddresses) throws Exception {
        return server(ca, commonName, dnsNames, ipAddresses, keyPair());
    }

    /** As {@link #server(Issued, String, List, List)} with an RSA-2048 key (the CA's stays EC). */
    public static Issued serverRsa(Issued ca, String commonName, List<String> dnsNames) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048, RANDOM);
        return server(ca, commonName, dnsNames, List.of(), generator.generateKeyPair());
    }

    private static Issued server(Issued ca, String commonName, List<String> dnsNames, List<String> ipAddresses,
                                 KeyPair keys) throws Exception {
        Instant now = Instant.now();
        List<GeneralName> names = new java.util.ArrayList<>();
        dnsNames.forEach(n -> names.add(new GeneralName(GeneralName.dNSName, n)));
        ipAddresses.forEach(n -> names.add(new GeneralName(GeneralName.iPAddress, n)));
        X509v3CertificateBuilder builder = leaf(ca, new X500Name("CN=" + commonName), keys.getPublic(),
                now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)))
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        return new Issued(sign(builder, ca.keys()), keys);
    }

    public static Issued client(Issued ca, String commonName) throws Exception {
        return client(ca, new X500Name("CN=" + commonName));
    }

    /** A client certificate with any subject, e.g. {@code CN=a,CN=b} or {@code CN=a+CN=b} (two common names). */
    public static Issued client(Issued ca, X500Name subject) throws Exception {
        KeyPair keys = keyPair();
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = leaf(ca, subject, keys.getPublic(),
                now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
        return new Issued(sign(builder, ca.keys()), keys);
    }

    /** A client certificate whose subjectAltName is the e-mail address {@code email} (rfc822Name). */
    public static Issued clientWithEmail(Issued ca, String commonName, String email) throws Exception {
        KeyPair keys = keyPair();
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = leaf(ca, new X500Name("CN=" + commonName), keys.getPublic(),
                now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth))
                .addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(new GeneralName(GeneralName.rfc822Name, email)));
        return new Issued(sign(builder, ca.keys()), keys);
    }

    /**
     * A self-signed RSA-2048 server certificate for {@code localhost} and 127.0.0.1, for what only an RSA key can
     * negotiate (the {@code TLS_ECDHE_RSA_*} and {@code TLS_RSA_*} cipher suites).
     */
    public static Issued selfSignedRsa(String commonName) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048, RANDOM);
        KeyPair keys = generator.generateKeyPair();
        X500Name name = new X500Name("CN=" + commonName);
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), name, keys.getPublic())
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                        new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
        return new Issued(certificate, keys);
    }

    /** Signs a CSR as {@code ca} would, copying its requested subjectAltNames; returns the certificate PEM. */
    public static String signCsr(Issued ca, String csrPem) throws Exception {
        PKCS10CertificationRequest csr;
        try (PEMParser parser = new PEMParser(new StringReader(csrPem))) {
            csr = (PKCS10CertificationRequest) parser.readObject();
        }
        JcaPKCS10CertificationRequest request = new JcaPKCS10CertificationRequest(csr);
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = leaf(ca, csr.getSubject(), request.getPublicKey(),
                now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(30)));
        for (Attribute attribute : csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
            Extensions extensions = Extensions.getInstance(attribute.getAttrValues().getObjectAt(0));
            Extension san = extensions.getExtension(Extension.subjectAlternativeName);
            if (san != null) {
                builder.addExtension(san);
            }
        }
        return pem(sign(builder, ca.keys()));
    }


    private static X509v3CertificateBuilder leaf(Issued ca, X500Name subject, PublicKey key, Instant notBefore, Instant notAfter)
            throws Exception {
        return new JcaX509v3CertificateBuilder(X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded()), serial(),
                Date.from(notBefore), Date.from(notAfter), subject, key)
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate())));
    }

    private static BigInteger serial() {
        return new BigInteger(64, RANDOM).setBit(63);
    }

    public static String pem(Object object) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return text.toString();
    }
}
