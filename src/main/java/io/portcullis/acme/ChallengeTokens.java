package io.portcullis.acme;

import io.portcullis.config.AcmeChallengeType;
import io.portcullis.config.AcmeConfig;
import io.portcullis.config.ConfigChanged;
import io.portcullis.config.ConfigStore;
import io.portcullis.log.LogText;
import io.portcullis.tls.TlsAlpnChallengeCertificate;
import io.portcullis.tls.TlsAlpnChallenges;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;
import org.shredzone.acme4j.Identifier;
import org.shredzone.acme4j.toolbox.AcmeUtils;
import org.shredzone.acme4j.util.CertificateUtils;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * The challenges of the order in progress, and what answers them, nothing else:
 * <ul>
 *   <li>HTTP-01 tokens and their key authorizations: what {@code /.well-known/acme-challenge/{token}} may answer. A token
 *       is added just before its challenge is triggered and removed when the challenge is decided.</li>
 *   <li>TLS-ALPN-01 (RFC 8737): per domain, the challenge certificate carrying the SHA-256 of the key authorization,
 *       which the wire listener shows to a ClientHello offering {@code acme-tls/1} for that name
 *       ({@link TlsAlpnChallenges}).</li>
 * </ul>
 * The replica running the order keeps its challenges here and publishes them in the configuration store
 * ({@link AcmeConfig#challenges}, {@link AcmeConfig#alpnChallenges}), so another replica sharing the store answers them
 * too. What comes from the store is used only when it has the form of a key authorization ({@code token.thumbprint}),
 * and a TLS-ALPN-01 certificate only for a managed domain, so nothing written there can make either answer anything
 * else. Challenge certificates are made off the event loop (a key pair once, then a signature each): by the order's
 * thread for its own, on a worker when another replica's appear in the store (a validation arriving before it is made
 * waits for it).
 */
@ApplicationScoped
public class ChallengeTokens implements TlsAlpnChallenges {

    private static final Logger LOG = Logger.getLogger(ChallengeTokens.class);

    /**
     * RFC 8555 §8.1: a token is base64url without padding; 128 characters is far above the 43 CAs send and bounds what
     * a request may make the gateway look up.
     */
    static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    /** RFC 8555 §8.1: the token, a dot, the base64url SHA-256 thumbprint of the account key (43 characters). */
    static final Pattern KEY_AUTHORIZATION = Pattern.compile("([A-Za-z0-9_-]{1,128})\\.[A-Za-z0-9_-]{43}");

    private final Map<String, String> keyAuthorizations = new ConcurrentHashMap<>();
    /** TLS-ALPN-01 challenges of this replica's order, by domain. */
    private final Map<String, AlpnAnswer> alpn = new ConcurrentHashMap<>();
    /** TLS-ALPN-01 challenges another replica published in the store, by domain, their certificates made or being made. */
    private final Map<String, Published> published = new ConcurrentHashMap<>();
    /** The key of every challenge certificate this process makes (acme4j signs them with RSA); made on first use. */
    private volatile KeyPair challengeKey;

    @Inject
    ConfigStore store;
    /**
     * Makes the certificates of challenges other replicas publish, off the thread that applies configuration changes
     * (which may run before Vert.x is up, at start). One daemon thread, started by the first task.
     */
    private final ExecutorService maker = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "portcullis-acme-challenges");
        thread.setDaemon(true);
        return thread;
    });

    /** A TLS-ALPN-01 challenge of this replica's order: the key authorization and the certificate made from it. */
    private record AlpnAnswer(String keyAuthorization, TlsAlpnChallengeCertificate certificate) {
    }

    /** A TLS-ALPN-01 challenge from the store: its key authorization and the certificate, made on {@link #maker}. */
    private record Published(String keyAuthorization, CompletableFuture<TlsAlpnChallengeCertificate> certificate) {
    }

    void add(String token, String keyAuthorization) {
        if (!TOKEN.matcher(token).matches()) {
            throw new IllegalArgumentException("the CA sent a token that is not base64url");
        }
        keyAuthorizations.put(token, keyAuthorization);
    }

    void remove(String token) {
        keyAuthorizations.remove(token);
    }

    /**
     * Makes the TLS-ALPN-01 certificate for {@code domain} and answers with it. Blocking (milliseconds; the first call
     * also makes the key pair): the order's thread.
     */
    void addAlpn(String domain, String keyAuthorization) {
        alpn.put(domain, new AlpnAnswer(keyAuthorization, certificate(domain, keyAuthorization)));
    }

    void removeAlpn(String domain) {
        alpn.remove(domain);
    }

    /** The key authorization for {@code token}, empty when it is no token of an order in progress (or malformed). */
    Optional<String> keyAuthorization(String token) {
        if (token == null || !TOKEN.matcher(token).matches()) {
            return Optional.empty();
        }
        String local = keyAuthorizations.get(token);
        if (local != null || store == null) {
            return Optional.ofNullable(local);
        }
        AcmeConfig acme = store.current().tls().acme();
        String fromStore = acme == null ? null : acme.challenges().get(token);
        if (fromStore == null) {
            return Optional.empty();
        }
        var form = KEY_AUTHORIZATION.matcher(fromStore);
        return form.matches() && form.group(1).equals(token) ? Optional.of(fromStore) : Optional.empty();
    }

    /** How many challenges are waiting for the CA. */
    int pending() {
        return keyAuthorizations.size() + alpn.size();
    }

    @Override
    public boolean waiting() {
        if (!alpn.isEmpty()) {
            return true;
        }
        AcmeConfig acme = store.current().tls().acme();
        return acme != null && !acme.alpnChallenges().isEmpty();
    }

    @Override
    public CompletionStage<TlsAlpnChallengeCertificate> certificateFor(String serverName) {
        AlpnAnswer local = alpn.get(serverName);
        if (local != null) {
            return CompletableFuture.completedFuture(local.certificate());
        }
        AcmeConfig acme = store.current().tls().acme();
        String keyAuthorization = acme == null ? null : acme.alpnChallenges().get(serverName);
        if (keyAuthorization == null || !publishable(acme, serverName, keyAuthorization)) {
            return CompletableFuture.completedFuture(null);
        }
        // Normally made when the change arrived; the CA may be quicker than that.
        return make(serverName, keyAuthorization).certificate();
    }

    /**
     * Another replica published (or withdrew) TLS-ALPN-01 challenges: their certificates are made on a worker now, so
     * they are ready when the CA comes. A request for TLS-ALPN-01 makes the key they are signed with.
     */
    void onConfigChanged(@Observes ConfigChanged change) {
        AcmeConfig acme = change.after().tls().acme();
        Map<String, String> wanted = acme == null ? Map.of() : acme.alpnChallenges();
        published.entrySet().removeIf(made -> !made.getValue().keyAuthorization().equals(wanted.get(made.getKey())));
        if (acme != null && acme.challenge() == AcmeChallengeType.TLS_ALPN_01 && challengeKey == null) {
            maker.execute(this::challengeKeyQuietly);
        }
        wanted.forEach((domain, keyAuthorization) -> {
            AlpnAnswer local = alpn.get(domain);
            if ((local == null || !local.keyAuthorization().equals(keyAuthorization)) && publishable(acme, domain, keyAuthorization)) {
                make(domain, keyAuthorization);
            }
        });
    }

    /** A published challenge is used only for a managed domain and with the form of a key authorization. */
    private static boolean publishable(AcmeConfig acme, String domain, String keyAuthorization) {
        return acme.domains().contains(domain) && KEY_AUTHORIZATION.matcher(keyAuthorization).matches();
    }

    /** The certificate for a published challenge, made once, on the worker. */
    private Published make(String domain, String keyAuthorization) {
        return published.compute(domain, (name, existing) -> {
            if (existing != null && existing.keyAuthorization().equals(keyAuthorization)) {
                return existing;
            }
            return new Published(keyAuthorization, CompletableFuture.supplyAsync(() -> {
                try {
                    return certificate(name, keyAuthorization);
                } catch (RuntimeException e) {
                    LOG.warnf("could not make the TLS-ALPN-01 certificate for %s published by another replica: %s",
                            LogText.escape(name), LogText.escape(e.getMessage()));
                    throw e;
                }
            }, maker));
        });
    }

    private void challengeKeyQuietly() {
        try {
            challengeKey();
        } catch (GeneralSecurityException | RuntimeException e) {
            LOG.warnf("could not make the TLS-ALPN-01 challenge key: %s", LogText.escape(e.getMessage()));
        }
    }

    @PreDestroy
    void stop() {
        maker.shutdownNow();
    }

    /** RFC 8737 §3: self-signed, the domain as its only name, the critical acmeIdentifier with SHA-256 of the key authorization. */
    private TlsAlpnChallengeCertificate certificate(String domain, String keyAuthorization) {
        try {
            KeyPair key = challengeKey();
            X509Certificate certificate = CertificateUtils.createTlsAlpn01Certificate(key, Identifier.dns(domain),
                    AcmeUtils.sha256hash(keyAuthorization));
            return TlsAlpnChallengeCertificate.of(certificate, key.getPrivate());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot make the TLS-ALPN-01 certificate: " + e.getMessage(), e);
        }
    }

    private KeyPair challengeKey() throws GeneralSecurityException {
        KeyPair key = challengeKey;
        if (key == null) {
            synchronized (this) {
                key = challengeKey;
                if (key == null) {
                    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                    generator.initialize(2048);
                    key = generator.generateKeyPair();
                    challengeKey = key;
                }
            }
        }
        return key;
    }
}
