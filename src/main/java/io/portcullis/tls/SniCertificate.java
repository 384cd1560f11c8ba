package io.portcullis.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A named certificate as the listener serves it: its material and the server names (SNI) it covers, read from its
 * subject alternative DNS names: exact names, and {@code *.example.com} for any one label before
 * {@code example.com}, as RFC 6125 lets clients match them (no partial-label or multi-label wildcards).
 *
 * @param name     how the API and the store call it
 * @param material the chain and key
 * @param dnsNames the DNS names it covers, lower case, as the certificate lists them
 */
public record SniCertificate(String name, TlsMaterial material, List<String> dnsNames) {

    /** {@link X509Certificate#getSubjectAlternativeNames()}'s tag for a DNS name (RFC 5280 §4.2.1.6). */
    private static final int SAN_DNS_NAME = 2;

    public SniCertificate {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(material, "material");
        dnsNames = List.copyOf(dnsNames);
    }

    /**
     * @throws CertificateMaterialException when the certificate names no DNS name: it could never be chosen by SNI
     */
    public static SniCertificate of(String name, TlsMaterial material) {
        List<String> names = dnsNames(material.leaf());
        if (names.isEmpty()) {
            throw new CertificateMaterialException("the certificate lists no DNS name among its subject alternative "
                    + "names, so no TLS server name (SNI) can select it");
        }
        return new SniCertificate(name, material, names);
    }

    /** Whether a client asking for {@code serverName} (lower case) gets this certificate. */
    public boolean covers(String serverName) {
        for (String pattern : dnsNames) {
            if (pattern.equals(serverName)) {
                return true;
            }
            if (pattern.startsWith("*.")) {
                int dot = serverName.indexOf('.');
                if (dot > 0 && serverName.substring(dot + 1).equals(pattern.substring(2))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static List<String> dnsNames(X509Certificate leaf) {
        List<String> names = new ArrayList<>();
        try {
            if (leaf.getSubjectAlternativeNames() == null) {
                return names;
            }
            for (List<?> entry : leaf.getSubjectAlternativeNames()) {
                if (entry.size() >= 2 && entry.get(0) instanceof Integer tag && tag == SAN_DNS_NAME
                        && entry.get(1) instanceof String dns) {
                    names.add(dns.toLowerCase(Locale.ROOT));
                }
            }
        } catch (CertificateParsingException e) {
            throw new CertificateMaterialException("the certificate's subject alternative names cannot be read: " + e.getMessage(), e);
        }
        return names;
    }
}
