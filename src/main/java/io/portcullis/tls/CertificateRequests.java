package io.portcullis.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.bouncycastle.util.IPAddress;

/**
 * Certificate signing requests (PKCS#10) for a CA to sign: a fresh EC P-256 key and a CSR for it
 * carrying the subject and subjectAltNames. The key stays on the gateway (
 * sealed in the configuration store by {@link TlsAdministration#createCertificateRequest}); only the CSR leaves. Key generation takes
 * milliseconds: call from a worker thread.
 */
public final class CertificateRequests {

    /** Far above any real SAN list; a longer one is a mistake (or an attempt to make us sign megabytes). */
    public static final int MAX_SUBJECT_ALT_NAMES = 100;

    private static final String CURVE = "secp256r1";
    private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";

    /**
     * A CSR and the key it was made for.
     *
     * @param csrPem        the {@code CERTIFICATE REQUEST} block to send to a CA
     * @param privateKeyPem the key, unencrypted PKCS#8; a secret
     */
    public record Pending(String csrPem, String privateKeyPem) {
        @Override
        public String toString() {
            return "Pending[csr=" + csrPem.length() + " chars, privateKeyPem=<redacted>]";
        }
    }

    private CertificateRequests() {
    }

    /**
     * Generates a key pair and a CSR.
     *
     * @param subject         an X.500 name ({@code CN=db.example.com,O=Example}) or just a common name
     * @param subjectAltNames DNS names and IP addresses, each told apart by its form
     * @throws CertificateMaterialException for an unusable subject or name
     */
    public static Pending generate(String subject, List<String> subjectAltNames, SecureRandom random) {
        Objects.requireNonNull(random, "random");
        X500Name name = subjectName(subject);
        List<GeneralName> altNames = altNames(subjectAltNames);
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(CURVE), random);
            KeyPair keyPair = generator.generateKeyPair();
            JcaPKCS10CertificationRequestBuilder builder =
                    new JcaPKCS10CertificationRequestBuilder(name, keyPair.getPublic());
            if (!altNames.isEmpty()) {
                ExtensionsGenerator extensions = new ExtensionsGenerator();
                extensions.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(altNames.toArray(GeneralName[]::new)));
                builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
            }
            PKCS10CertificationRequest csr = builder.build(
                    new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).setSecureRandom(random).build(keyPair.getPrivate()));
            return new Pending(pem(csr), pem(new JcaPKCS8Generator(keyPair.getPrivate(), null)));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot generate a certificate signing request: " + e.getMessage(), e);
        }
    }

    private static X500Name subjectName(String subject) {
        if (subject == null || subject.isBlank()) {
            throw new CertificateMaterialException("subject is required, e.g. \"CN=db.example.com,O=Example\"");
        }
        String trimmed = subject.strip();
        if (!trimmed.contains("=")) {
            if (trimmed.length() > SelfSignedCertificates.MAX_COMMON_NAME_LENGTH) {
                throw new CertificateMaterialException("the common name must be at most "
                        + SelfSignedCertificates.MAX_COMMON_NAME_LENGTH + " characters; put longer names in subjectAltNames");
            }
            return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, trimmed).build();
        }
        try {
            return new X500Name(BCStyle.INSTANCE, trimmed);
        } catch (IllegalArgumentException e) {
            throw new CertificateMaterialException("subject '" + trimmed
                    + "' is not an X.500 name; write it as \"CN=db.example.com,O=Example,C=DE\"", e);
        }
    }

    private static List<GeneralName> altNames(List<String> names) {
        if (names != null && names.size() > MAX_SUBJECT_ALT_NAMES) {
            throw new CertificateMaterialException("at most " + MAX_SUBJECT_ALT_NAMES + " subjectAltNames are accepted, not "
                    + names.size());
        }
        List<GeneralName> result = new ArrayList<>();
        for (String name : names == null ? List.<String>of() : names) {
            if (name == null || name.isBlank() || !name.equals(name.strip()) || name.length() > 253) {
                throw new CertificateMaterialException("subjectAltNames lists '" + name + "', which is not a DNS name or IP address");
            }
            result.add(IPAddress.isValid(name) ? new GeneralName(GeneralName.iPAddress, name)
                    : new GeneralName(GeneralName.dNSName, name));
        }
        return result;
    }

    private static String pem(Object object) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        return text.toString();
    }
}
