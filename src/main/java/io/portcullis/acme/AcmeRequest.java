package io.portcullis.acme;

import io.portcullis.config.AcmeChallengeType;
import io.portcullis.config.NamedCertificate;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What {@code PUT /api/v1/tls/acme} asks for, checked: {@link #validate} refuses with a sentence saying why.
 *
 * @param directoryUrl          the CA's ACME directory, an https URL
 * @param email                 the account's contact, or null
 * @param domains               DNS names (lower case, no wildcard, no IP address), 1 to {@value #MAX_DOMAINS}
 * @param acceptTermsOfService  must be true
 * @param directoryCaPem        CA certificates trusted for the directory's HTTPS instead of the JDK's, or null
 * @param certificateName       null for the default certificate, else the named (SNI) certificate's name
 * @param eabKeyId              external account binding key id, or null
 * @param eabHmacKey            its HMAC key, base64url, or null (a secret)
 * @param challengeType         how the CA validates each name; null means HTTP-01
 */
public record AcmeRequest(String directoryUrl, String email, List<String> domains, boolean acceptTermsOfService,
                          String directoryCaPem, String certificateName, String eabKeyId, String eabHmacKey,
                          AcmeChallengeType challengeType) {

    /** A request validated by HTTP-01. */
    public AcmeRequest(String directoryUrl, String email, List<String> domains, boolean acceptTermsOfService,
                       String directoryCaPem, String certificateName, String eabKeyId, String eabHmacKey) {
        this(directoryUrl, email, domains, acceptTermsOfService, directoryCaPem, certificateName, eabKeyId, eabHmacKey,
                null);
    }

    /** Let's Encrypt's limit of names per certificate. */
    public static final int MAX_DOMAINS = 100;
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s,;<>\"]{1,64}@[A-Za-z0-9.-]{1,253}");
    private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]+={0,2}");

    /** Leaves the HMAC key and the PEM out. */
    @Override
    public String toString() {
        return "AcmeRequest[directoryUrl=" + directoryUrl + ", domains=" + domains + ", certificateName=" + certificateName
                + ", challengeType=" + challenge().wireName() + "]";
    }

    /**
     * This request with the domains in lower case, checked.
     *
     * @throws IllegalArgumentException saying what is wrong and why
     */
    public AcmeRequest validate() {
        if (!acceptTermsOfService) {
            throw new IllegalArgumentException("acceptTermsOfService must be true: registering an account means agreeing "
                    + "to the CA's terms of service (the directory's meta.termsOfService links them); read them first");
        }
        checkDirectory(directoryUrl);
        if (email != null && (email.length() > 254 || !EMAIL.matcher(email).matches())) {
            throw new IllegalArgumentException("email must be one address such as ops@example.com (or left out)");
        }
        if (domains == null || domains.isEmpty()) {
            throw new IllegalArgumentException("domains must name at least one DNS name");
        }
        if (domains.size() > MAX_DOMAINS) {
            throw new IllegalArgumentException("domains may name at most " + MAX_DOMAINS + " names (one certificate)");
        }
        Set<String> names = new LinkedHashSet<>();
        for (String domain : domains) {
            String name = checkDomain(domain);
            if (!names.add(name)) {
                throw new IllegalArgumentException("domains names " + name + " twice");
            }
        }
        if (directoryCaPem != null) {
            AcmeClient.certificates(directoryCaPem);
        }
        if (certificateName != null && !NamedCertificate.NAME.matcher(certificateName).matches()) {
            throw new IllegalArgumentException("certificateName is lower-case letters, digits and '-', at most 63, starting "
                    + "with a letter or digit (or left out for the default certificate)");
        }
        if ((eabKeyId == null) != (eabHmacKey == null) || (eabKeyId != null && eabKeyId.isBlank())) {
            throw new IllegalArgumentException("externalAccountBinding needs both keyId and hmacKey");
        }
        if (eabHmacKey != null) {
            if (!BASE64URL.matcher(eabHmacKey).matches()) {
                throw new IllegalArgumentException("externalAccountBinding.hmacKey must be base64url, as the CA gave it");
            }
            if (Base64.getUrlDecoder().decode(eabHmacKey.replace("=", "")).length < 16) {
                throw new IllegalArgumentException("externalAccountBinding.hmacKey is shorter than 16 bytes: not a key a CA gives");
            }
        }
        return new AcmeRequest(directoryUrl, email, List.copyOf(names), true, directoryCaPem, certificateName, eabKeyId,
                eabHmacKey, challenge());
    }

    /** How the CA validates each name: HTTP-01 unless TLS-ALPN-01 was asked for. */
    public AcmeChallengeType challenge() {
        return challengeType == null ? AcmeChallengeType.HTTP_01 : challengeType;
    }

    private static void checkDirectory(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("directoryUrl is required, e.g. https://acme-v02.api.letsencrypt.org/directory");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("directoryUrl is not a URL");
        }
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("directoryUrl must be an https URL (ACME requires HTTPS, RFC 8555 section 6.1)");
        }
        if (uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("directoryUrl must not carry user information or a fragment");
        }
    }

    private static String checkDomain(String domain) {
        if (domain == null || domain.isBlank()) {
            throw new IllegalArgumentException("a domain is empty");
        }
        String name = domain.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        String shown = name.length() > 64 ? name.substring(0, 64) + "..." : name;
        if (name.startsWith("*.")) {
            throw new IllegalArgumentException(shown + ": a wildcard can only be validated by DNS-01, which Portcullis does "
                    + "not do (HTTP-01 and TLS-ALPN-01 prove control of one name); list each name instead");
        }
        if (name.contains(":") || name.matches("[0-9.]+")) {
            throw new IllegalArgumentException(shown + ": an IP address, not a DNS name; ACME certificates here are for DNS "
                    + "names");
        }
        if (name.length() > 253) {
            throw new IllegalArgumentException(shown + ": longer than 253 characters, not a DNS name");
        }
        List<String> labels = new ArrayList<>(List.of(name.split("\\.", -1)));
        if (labels.size() < 2) {
            throw new IllegalArgumentException(shown + ": a CA issues only for fully qualified names (with a dot)");
        }
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                throw new IllegalArgumentException(shown + ": not a DNS name (labels are letters, digits and inner '-', 1 to 63 "
                        + "characters; international names in their xn-- form)");
            }
        }
        if (labels.get(labels.size() - 1).matches("[0-9]+")) {
            throw new IllegalArgumentException(shown + ": its last label is numeric, not a DNS name");
        }
        return name;
    }
}
