package io.portcullis.acme;

import io.portcullis.config.AcmeChallengeType;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Problem;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.challenge.TlsAlpn01Challenge;
import org.shredzone.acme4j.challenge.TokenChallenge;
import org.shredzone.acme4j.connector.HttpConnector;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeServerException;
import org.shredzone.acme4j.provider.GenericAcmeProvider;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One conversation with an ACME CA through acme4j: register an account, run an order for a domain set by HTTP-01 or
 * TLS-ALPN-01 and bring back the chain with the fresh key it was issued for. Blocking; no state beyond the session. The
 * directory's HTTPS is checked against the JDK's trust store, or only against {@code directoryCaPem} when given (a private CA).
 */
final class AcmeClient {

    private static final Pattern PEM_BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)-----END \\1-----");

    private final Session session;
    private final Duration timeout;

    AcmeClient(String directoryUrl, String directoryCaPem, Duration timeout) {
        SSLContext trust = directoryCaPem == null ? null : trusting(directoryCaPem);
        this.session = trust == null ? new Session(URI.create(directoryUrl), new GenericAcmeProvider())
                : new Session(URI.create(directoryUrl), new TrustingProvider(trust));
        this.session.networkSettings().setTimeout(Duration.ofSeconds(30));
        this.timeout = timeout;
    }

    /** Reads the CA's directory: whether it answers at all. */
    void probe() throws AcmeFailure {
        try {
            session.getMetadata();
        } catch (AcmeException e) {
            throw failure("the CA's directory could not be read", e);
        } catch (RuntimeException e) {
            throw new AcmeFailure("the CA's directory could not be read: " + message(e));
        }
    }

    /**
     * Registers a new account with {@code key}, agreeing to the CA's terms of service.
     *
     * @return the account's URL
     */
    URL register(KeyPair key, String email, String eabKeyId, String eabHmacKey) throws AcmeFailure {
        AccountBuilder builder = new AccountBuilder().agreeToTermsOfService().useKeyPair(key);
        if (email != null) {
            builder.addEmail(email);
        }
        if (eabKeyId != null) {
            builder.withKeyIdentifier(eabKeyId, eabHmacKey);
        }
        try {
            return builder.createLogin(session).getAccountLocation();
        } catch (AcmeException e) {
            throw failure("the account could not be registered", e);
        } catch (RuntimeException e) {
            throw new AcmeFailure("the account could not be registered: " + message(e));
        }
    }

    /** Logs in to the account at {@code location}. */
    Login login(String location, KeyPair key) throws AcmeFailure {
        try {
            return session.login(new URL(location), key);
        } catch (MalformedURLException e) {
            throw new AcmeFailure("the stored account URL is not a URL");
        }
    }

    /**
     * Orders a certificate for {@code domains}, proves control of each by {@code type} (publishing its challenge in
     * {@code tokens} while the CA checks), finalizes with a new EC P-256 key and downloads the chain.
     *
     * @param progress told each step in words, for the status the API shows
     * @param validated told each domain the CA has validated
     */
    Issued order(Login login, List<String> domains, AcmeChallengeType type, ChallengeBoard tokens, Consumer<String> progress,
                 Consumer<String> validated) throws AcmeFailure, InterruptedException {
        try {
            progress.accept("creating the order");
            Order order = login.newOrder().domains(domains).create();
            for (Authorization authorization : order.getAuthorizations()) {
                String domain = authorization.getIdentifier().getDomain();
                if (authorization.getStatus() == Status.VALID) {
                    validated.accept(domain);
                    continue;
                }
                String name = type == AcmeChallengeType.HTTP_01 ? "HTTP-01" : "TLS-ALPN-01";
                TokenChallenge challenge = (type == AcmeChallengeType.HTTP_01
                        ? authorization.findChallenge(Http01Challenge.class).map(TokenChallenge.class::cast)
                        : authorization.findChallenge(TlsAlpn01Challenge.class).map(TokenChallenge.class::cast))
                        .orElseThrow(() -> new AcmeFailure("the CA offers no " + name + " challenge for " + domain
                                + " (choose the other challengeType)"));
                progress.accept("waiting for the CA to validate " + domain + " (" + name + ")");
                // HTTP-01 is answered by token, TLS-ALPN-01 by the name the CA connects for.
                String token = challenge instanceof Http01Challenge http ? http.getToken() : domain;
                tokens.publish(type, token, challenge.getAuthorization());
                try {
                    challenge.trigger();
                    Status status = challenge.waitForCompletion(timeout);
                    if (status != Status.VALID) {
                        Problem problem = challenge.getError().orElse(null);
                        throw new AcmeFailure("the CA could not validate " + domain + ": "
                                + (problem == null ? "the challenge is " + status.name().toLowerCase() : words(problem)),
                                problem == null ? null : problem.asJSON().toString(), domain);
                    }
                } finally {
                    tokens.withdraw(type, token);
                }
                validated.accept(domain);
            }
            progress.accept("waiting for the order to be ready");
            Status ready = order.waitUntilReady(timeout);
            if (ready != Status.READY) {
                throw orderFailure("the order is " + ready.name().toLowerCase(), order);
            }
            progress.accept("finalizing");
            KeyPair key = newKey();
            order.execute(key);
            Status done = order.waitForCompletion(timeout);
            if (done != Status.VALID) {
                throw orderFailure("the order is " + done.name().toLowerCase() + " after finalizing", order);
            }
            StringWriter chain = new StringWriter();
            order.getCertificate().writeCertificate(chain);
            return new Issued(chain.toString(), pem("PRIVATE KEY", key.getPrivate().getEncoded()));
        } catch (AcmeException e) {
            throw failure("the order for " + String.join(", ", domains) + " failed", e);
        } catch (IOException e) {
            throw new AcmeFailure("the certificate could not be written: " + message(e));
        } catch (RuntimeException e) {
            throw new AcmeFailure("the order for " + String.join(", ", domains) + " failed: " + message(e));
        }
    }

    /** Where the challenges of the order in progress are answered from while the CA checks them. */
    interface ChallengeBoard {
        /**
         * Makes a challenge answerable; returns once the CA may ask for it.
         *
         * @param key the token (HTTP-01) or the domain (TLS-ALPN-01)
         */
        void publish(AcmeChallengeType type, String key, String keyAuthorization) throws InterruptedException;

        void withdraw(AcmeChallengeType type, String key);
    }

    /** A certificate chain, PEM, and its private key (PKCS#8 PEM, a secret). */
    record Issued(String chainPem, String keyPem) {
        @Override
        public String toString() {
            return "Issued[chain]";
        }
    }

    private static AcmeFailure orderFailure(String what, Order order) {
        Problem problem = order.getError().orElse(null);
        return new AcmeFailure(problem == null ? what : what + ": " + words(problem),
                problem == null ? null : problem.asJSON().toString());
    }

    private static AcmeFailure failure(String what, AcmeException e) {
        if (e instanceof AcmeServerException server) {
            Problem problem = server.getProblem();
            return new AcmeFailure(what + ": " + words(problem), problem.asJSON().toString());
        }
        if (e instanceof org.shredzone.acme4j.exception.AcmeNetworkException) {
            return new AcmeFailure(what + ": the CA's directory cannot be reached (" + message(e) + ")");
        }
        return new AcmeFailure(what + ": " + message(e));
    }

    /** A problem document in words: its detail (or title, or type), then each sub-problem's. */
    static String words(Problem problem) {
        StringBuilder text = new StringBuilder(problem.getDetail().or(problem::getTitle).orElse(problem.getType().toString()));
        String type = problem.getType().toString();
        if (type.startsWith("urn:ietf:params:acme:error:")) {
            text.append(" (").append(type.substring("urn:ietf:params:acme:error:".length())).append(')');
        }
        for (Problem sub : problem.getSubProblems()) {
            text.append("; ").append(sub.getIdentifier().map(id -> id.getValue() + ": ").orElse("")).append(words(sub));
        }
        return text.toString();
    }

    private static String message(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    /** A new EC P-256 key pair from the JDK (the account's and each certificate's). */
    static KeyPair newKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 is unavailable in this JVM", e);
        }
    }

    /** The key pair as a {@code PRIVATE KEY} and a {@code PUBLIC KEY} block, to be sealed. */
    static String encode(KeyPair key) {
        return pem("PRIVATE KEY", key.getPrivate().getEncoded()) + pem("PUBLIC KEY", key.getPublic().getEncoded());
    }

    /** The key pair {@link #encode} wrote. */
    static KeyPair decode(String pem) {
        byte[] privateKey = null;
        byte[] publicKey = null;
        Matcher block = PEM_BLOCK.matcher(pem);
        while (block.find()) {
            byte[] der = Base64.getMimeDecoder().decode(block.group(2));
            if (block.group(1).equals("PRIVATE KEY")) {
                privateKey = der;
            } else if (block.group(1).equals("PUBLIC KEY")) {
                publicKey = der;
            }
        }
        if (privateKey == null || publicKey == null) {
            throw new IllegalArgumentException("the stored ACME account key is incomplete");
        }
        try {
            KeyFactory factory = KeyFactory.getInstance("EC");
            return new KeyPair(factory.generatePublic(new X509EncodedKeySpec(publicKey)),
                    factory.generatePrivate(new PKCS8EncodedKeySpec(privateKey)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the stored ACME account key cannot be read", e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /**
     * The CA certificates in {@code pem}.
     *
     * @throws IllegalArgumentException when it holds none or one does not parse
     */
    static List<Certificate> certificates(String pem) {
        try {
            Collection<? extends Certificate> parsed = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            if (parsed.isEmpty()) {
                throw new IllegalArgumentException("directoryCaPem holds no certificate");
            }
            return new ArrayList<>(parsed);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("directoryCaPem is not PEM certificates: " + message(e));
        }
    }

    private static SSLContext trusting(String pem) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates(pem)) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), new SecureRandom());
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the trust for directoryCaPem: " + message(e), e);
        }
    }

    /** acme4j's generic provider, its HTTP client trusting only the given CAs. */
    private static final class TrustingProvider extends GenericAcmeProvider {
        private final SSLContext trust;

        TrustingProvider(SSLContext trust) {
            this.trust = trust;
        }

        @Override
        protected HttpConnector createHttpConnector(NetworkSettings settings) {
            return new HttpConnector(settings) {
                @Override
                public HttpClient.Builder createClientBuilder() {
                    return super.createClientBuilder().sslContext(trust);
                }
            };
        }
    }
}
