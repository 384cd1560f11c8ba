package io.portcullis.acme;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.portcullis.config.AcmeConfig;
import io.portcullis.config.ConfigChanged;
import io.portcullis.config.ConfigStore;
import io.portcullis.config.GatewayConfig;
import io.portcullis.config.SecretBinding;
import io.portcullis.config.SecretBox;
import io.portcullis.log.LogText;
import io.portcullis.tls.CertificateSourceConflict;
import io.portcullis.tls.SniCertificate;
import io.portcullis.tls.TlsAdministration;
import io.portcullis.tls.TlsMaterial;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.shredzone.acme4j.Login;

import java.net.URL;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs automatic certificates: keeps the managed domain set ({@link AcmeConfig} in the store) covered by a served
 * certificate the CA issued, one order at a time on its own thread.
 *
 * <p>Each check: while the served certificate (the default one, or the named one) covers every domain and more than
 * {@code portcullis.acme.renew-when-left} (a third) of its lifetime is left, nothing happens until then; otherwise an
 * order runs (registering the account first if there
 * is none). A new certificate is installed through {@link TlsAdministration}, which hot-swaps it like an upload (open
 * sessions keep theirs). A failed order changes nothing that is served: it is logged with the CA's problem document,
 * counted ({@code portcullis_acme_renewal_failures_total}) and retried after a back-off that doubles from
 * {@code portcullis.acme.retry-min} up to {@code portcullis.acme.retry-max}.
 *
 * <p>Replicas sharing the store: the request, the account and the certificates are in the store, so every replica
 * serves what one of them installed. Exactly one replica runs an order at a time: it claims the order with a lease
 * in a store write (the store serializes writes), publishes its HTTP-01 tokens there so that every replica answers
 * whichever one the CA reaches ({@link ChallengeTokens}), and gives the lease back when the order ends; the lease
 * lapses by itself should its holder stop mid-order. A replica finding the lease held looks again when it lapses.
 */
@ApplicationScoped
public class AcmeManager {

    private static final Logger LOG = Logger.getLogger(AcmeManager.class);

    @Inject
    ConfigStore store;
    @Inject
    TlsAdministration tls;
    @Inject
    SecretBox secrets;
    @Inject
    ChallengeTokens tokens;
    @Inject
    MeterRegistry registry;
    /** Renew when this fraction of the certificate's lifetime is left. */
    @ConfigProperty(name = "portcullis.acme.renew-when-left", defaultValue = "0.3333")
    double renewWhenLeft;
    /** A valid certificate is looked at again at least this often (the stored request may have changed). */
    @ConfigProperty(name = "portcullis.acme.check-interval", defaultValue = "1h")
    Duration checkInterval;
    /**
     * The first retry's delay, doubling after each failure: 5 minutes keeps a name that keeps failing under Let's
     * Encrypt's limit of 5 failed validations per name and hour (failures at 0, 5, 15, 35 and 75 minutes).
     */
    @ConfigProperty(name = "portcullis.acme.retry-min", defaultValue = "5m")
    Duration retryMin;
    @ConfigProperty(name = "portcullis.acme.retry-max", defaultValue = "6h")
    Duration retryMax;
    /** How long one step of an order (a challenge, readiness, issuance) may take at the CA. */
    @ConfigProperty(name = "portcullis.acme.timeout", defaultValue = "2m")
    Duration timeout;
    /**
     * How long a published HTTP-01 token is given to reach the other replicas sharing the store (a change notification
     * takes moments) before the CA is told to look for it.
     */
    @ConfigProperty(name = "portcullis.acme.challenge-publish-wait", defaultValue = "1s")
    Duration publishWait;

    /** This replica's lease and published tokens in the store. */
    private OrderLease lease;

    private final Object lock = new Object();
    private ScheduledExecutorService worker;
    private ScheduledFuture<?> next;
    /** Checks asked for from outside the worker, counted, so that a check ending meanwhile runs one at once. */
    private long requests;
    private volatile Clock clock = Clock.systemUTC();
    private volatile Instant nextAttempt;
    private volatile String lastError;
    private volatile int consecutiveFailures;
    private volatile AcmeStatus.OrderInProgress order;
    /** Per domain, why the CA did not validate it in the last attempt. */
    private final Map<String, String> domainErrors = new ConcurrentHashMap<>();
    private Counter failures;

    void start(@Observes StartupEvent event) {
        // This replica, as lease holder: host name, process id and a random part (two processes may share both).
        lease = new OrderLease(store, tokens, replicaName() + "/" + ProcessHandle.current().pid() + "/"
                + Long.toHexString(new java.security.SecureRandom().nextLong() & 0xffffffL), publishWait);
        failures = Counter.builder("portcullis.acme.renewal.failures")
                .description("ACME orders (issuance or renewal) that failed").register(registry);
        Gauge.builder("portcullis.acme.certificate.expiry.days", this, AcmeManager::daysToExpiry)
                .description("Days until the managed ACME certificate expires (NaN when none is served)").register(registry);
        synchronized (lock) {
            worker = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "portcullis-acme");
                thread.setDaemon(true);
                return thread;
            });
        }
        if (store.current().tls().acme() != null) {
            schedule(Duration.ZERO);
        }
    }

    void stop(@Observes ShutdownEvent event) {
        synchronized (lock) {
            if (worker != null) {
                worker.shutdownNow();
                worker = null;
            }
        }
    }

    /**
     * Stores {@code request} as the managed domain set and starts an order at once (unless a served certificate
     * already covers it for long enough). The account is kept when directory, contact and binding stay the same.
     *
     * @return the configuration written
     * @throws IllegalArgumentException when the request is unusable (the message says why)
     * @throws CertificateSourceConflict when the certificate it would replace comes from files
     */
    public GatewayConfig configure(AcmeRequest request) {
        AcmeRequest checked = request.validate();
        if (checked.certificateName() == null && tls.state().certificateFromFiles()) {
            throw new CertificateSourceConflict("the default certificate comes from portcullis.tls.cert-file; unset it, or "
                    + "give a certificateName to have the ACME certificate served by SNI");
        }
        if (checked.certificateName() != null && tls.namedFromFiles()) {
            throw new CertificateSourceConflict("named certificates come from portcullis.tls.sni-cert-dir; an ACME certificate "
                    + "can be the default one (leave certificateName out)");
        }
        String sealedHmac = checked.eabHmacKey() == null ? null
                : secrets.seal(checked.eabHmacKey(), SecretBinding.acmeEabKey(checked.directoryUrl(), checked.eabKeyId()));
        GatewayConfig written = store.update(ConfigStore.ANY_VERSION, config -> {
            AcmeConfig previous = config.tls().acme();
            boolean keepAccount = previous != null && previous.accountLocation() != null
                    && previous.directoryUrl().equals(checked.directoryUrl())
                    && Objects.equals(previous.email(), checked.email())
                    && (checked.eabKeyId() == null || checked.eabKeyId().equals(previous.eabKeyId()));
            AcmeConfig next = new AcmeConfig(checked.directoryUrl(), checked.email(), checked.domains(),
                    checked.directoryCaPem(), checked.certificateName(), checked.eabKeyId(),
                    keepAccount ? null : sealedHmac, keepAccount ? previous.accountLocation() : null,
                    keepAccount ? previous.sealedAccountKey() : null).withChallengeType(checked.challenge());
            if (previous != null) {
                // An order another replica runs keeps its claim and its published tokens; it discards what it gets.
                next = next.withLease(previous.lease()).withChallenges(previous.challenges())
                        .withAlpnChallenges(previous.alpnChallenges());
            }
            return config.withTls(config.tls().withAcme(next));
        });
        synchronized (lock) {
            consecutiveFailures = 0;
            lastError = null;
            domainErrors.clear();
        }
        checkSoon();
        return written;
    }

    /**
     * Stops managing: the request and account leave the store; the certificate last installed stays served.
     *
     * @return the configuration written, or empty when nothing was managed
     */
    public Optional<GatewayConfig> stopManaging() {
        if (store.current().tls().acme() == null) {
            return Optional.empty();
        }
        GatewayConfig written = store.update(ConfigStore.ANY_VERSION, config -> config.withTls(config.tls().withAcme(null)));
        synchronized (lock) {
            if (next != null) {
                next.cancel(false);
            }
            nextAttempt = null;
            lastError = null;
            consecutiveFailures = 0;
            domainErrors.clear();
        }
        return Optional.of(written);
    }

    /** The state of automatic certificates, or empty when none are managed. */
    public Optional<AcmeStatus> status() {
        AcmeConfig config = store.current().tls().acme();
        if (config == null) {
            return Optional.empty();
        }
        Optional<TlsMaterial> served = served(config);
        AcmeStatus.OrderInProgress running = order;
        if (running == null && lease != null && lease.heldByAnother(config.lease(), clock.millis())) {
            running = new AcmeStatus.OrderInProgress(config.domains(), null, "run by another replica", config.lease().holder());
        }
        List<AcmeStatus.DomainState> states = new ArrayList<>();
        for (String domain : config.domains()) {
            boolean covered = served.isPresent() && covers(served.get(), domain);
            String error = domainErrors.get(domain);
            String state = covered ? (served.get().info().notAfter().isAfter(clock.instant()) ? "valid" : "expired")
                    : error != null || (running == null && lastError != null) ? "failed" : "pending";
            states.add(new AcmeStatus.DomainState(domain, state,
                    covered ? served.get().info().notAfter() : null,
                    covered ? renewAt(served.get()) : null,
                    error));
        }
        return Optional.of(new AcmeStatus(config.directoryUrl(), config.email(), config.domains(), config.certificateName(),
                config.challenge(), config.directoryCaPem() != null,
                new AcmeStatus.Account(config.accountLocation() != null, config.accountLocation(), config.eabKeyId() != null),
                states, running, lastError, consecutiveFailures, nextAttempt));
    }

    /**
     * Another replica gave the order lease back (or a new request arrived through another replica): look again at
     * once rather than when the lease would have lapsed. Writes of this replica's own lease pass by.
     */
    void onConfigChanged(@Observes ConfigChanged change) {
        AcmeConfig before = change.before().tls().acme();
        AcmeConfig after = change.after().tls().acme();
        if (after == null || worker == null) {
            return;
        }
        boolean otherLeaseGone = before != null && before.lease() != null && !before.lease().holder().equals(lease.replica())
                && after.lease() == null;
        if (otherLeaseGone && order == null) {
            checkSoon();
        }
    }

    /** Looks at the managed certificate now (tests: after moving the clock). */
    void checkNow() {
        checkSoon();
    }

    /** The clock renewal is decided by; tests move it forward. */
    void useClock(Clock newClock) {
        clock = newClock;
    }

    /** A check as soon as the worker is free, asked for from outside it (a request, a test, another replica). */
    private void checkSoon() {
        synchronized (lock) {
            requests++;
        }
        schedule(Duration.ZERO);
    }

    /**
     * The next check, {@code delay} from now, as a check decides at its end; at once instead when a check was asked
     * for from outside while it ran (that request's check must not wait for this one's renewal time or back-off).
     */
    private void reschedule(Duration delay, long requestsSeen) {
        boolean asked;
        synchronized (lock) {
            asked = requests != requestsSeen;
        }
        schedule(asked ? Duration.ZERO : delay);
    }

    private void schedule(Duration delay) {
        synchronized (lock) {
            if (worker == null) {
                return;
            }
            if (next != null) {
                next.cancel(false);
            }
            nextAttempt = clock.instant().plus(delay);
            next = worker.schedule(this::check, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
        }
    }

    private void check() {
        long seen;
        synchronized (lock) {
            seen = requests;
        }
        AcmeConfig config = store.current().tls().acme();
        if (config == null) {
            nextAttempt = null;
            return;
        }
        Instant now = clock.instant();
        Optional<TlsMaterial> served = served(config);
        if (served.isPresent() && config.domains().stream().allMatch(d -> covers(served.get(), d))) {
            Instant renewAt = renewAt(served.get());
            if (now.isBefore(renewAt)) {
                Duration wait = Duration.between(now, renewAt);
                reschedule(wait.compareTo(checkInterval) < 0 ? wait : checkInterval, seen);
                return;
            }
            LOG.infof("the ACME certificate for %s is due for renewal (valid until %s)",
                    LogText.escape(String.join(", ", config.domains())), served.get().info().notAfter());
        }
        try {
            TlsMaterial installed = issue(config);
            synchronized (lock) {
                consecutiveFailures = 0;
                lastError = null;
            }
            // Looked at again when it is due, at the latest after the check interval; never at once, so a certificate
            // the CA issues already due (a short lifetime, a clock moved on) cannot make orders run back to back.
            Duration wait = installed == null ? Duration.ZERO : Duration.between(clock.instant(), renewAt(installed));
            reschedule(wait.isNegative() || wait.isZero() || wait.compareTo(checkInterval) > 0 ? checkInterval : wait, seen);
        } catch (OrderLease.LeaseHeld e) {
            order = null;
            Duration wait = Duration.ofMillis(Math.max(1000, e.until - clock.millis() + 1000));
            LOG.infof("replica %s runs the ACME order for %s; looking again in %s", LogText.escape(e.holder),
                    LogText.escape(String.join(", ", config.domains())), wait.compareTo(checkInterval) < 0 ? wait : checkInterval);
            reschedule(wait.compareTo(checkInterval) < 0 ? wait : checkInterval, seen);
            return;
        } catch (AcmeFailure e) {
            if (e.domain() != null) {
                domainErrors.put(e.domain(), e.getMessage());
            }
            failed(config, e.getMessage(), e.problem(), seen);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failed(config, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), null, seen);
        } finally {
            order = null;
        }
    }

    private void failed(AcmeConfig config, String message, String problem, long requestsSeen) {
        failures.increment();
        if (!config.sameOrder(store.current().tls().acme())) {
            // The request changed (or was withdrawn) while this order ran: its failure is not the new request's.
            LOG.infof("the ACME order for the previous request (%s) failed: %s", LogText.escape(String.join(", ", config.domains())),
                    LogText.escape(message));
            reschedule(Duration.ZERO, requestsSeen);
            return;
        }
        Duration backoff;
        synchronized (lock) {
            consecutiveFailures++;
            lastError = message;
            long factor = 1L << Math.min(20, consecutiveFailures - 1);
            backoff = retryMin.multipliedBy(factor);
            if (backoff.compareTo(retryMax) > 0) {
                backoff = retryMax;
            }
        }
        LOG.errorf("ACME order for %s failed (attempt %d in a row; the served certificate is unchanged; next try in %s): %s%s",
                LogText.escape(String.join(", ", config.domains())), consecutiveFailures, backoff,
                LogText.escape(message), problem == null ? "" : "; the CA's problem document: " + LogText.escape(problem));
        reschedule(backoff, requestsSeen);
    }

    /** Runs an order and installs what it brings; null when the request changed meanwhile (nothing installed). */
    private TlsMaterial issue(AcmeConfig config) throws AcmeFailure, InterruptedException, OrderLease.LeaseHeld {
        // Another replica's claim first (a read), then the CA: an unreachable directory costs no store write (no lease
        // taken and given back at each retry); then the claim, atomically.
        if (lease.heldByAnother(config.lease(), clock.millis())) {
            throw new OrderLease.LeaseHeld(config.lease().holder(), config.lease().untilEpochMillis());
        }
        AcmeClient client = new AcmeClient(config.directoryUrl(), config.directoryCaPem(), timeout);
        client.probe();
        lease.take(clock.millis(), timeout.multipliedBy(config.domains().size() + 3L).plusMinutes(1));
        try {
            return issueHoldingLease(config, client);
        } finally {
            lease.giveBack();
        }
    }

    private TlsMaterial issueHoldingLease(AcmeConfig config, AcmeClient client) throws AcmeFailure, InterruptedException {
        order = new AcmeStatus.OrderInProgress(config.domains(), clock.instant(), "starting", lease.replica());
        domainErrors.clear();
        Login login = login(client, config);
        AcmeClient.Issued issued = client.order(login, config.domains(), config.challenge(), lease,
                step -> order = new AcmeStatus.OrderInProgress(config.domains(), order.startedAt(), step, lease.replica()),
                domainErrors::remove);
        TlsMaterial material = TlsMaterial.parse(issued.chainPem(), issued.keyPem());
        AcmeConfig now = store.current().tls().acme();
        if (!config.sameOrder(now)) {
            LOG.infof("discarded the certificate issued for %s: the ACME request changed meanwhile",
                    LogText.escape(String.join(", ", config.domains())));
            return null;
        }
        if (config.certificateName() == null) {
            tls.installCertificate(material, false, ConfigStore.ANY_VERSION);
        } else {
            tls.installNamedCertificate(config.certificateName(), material, ConfigStore.ANY_VERSION);
        }
        LOG.infof("installed the ACME certificate for %s as the %s certificate (SHA-256 %s, valid until %s)",
                LogText.escape(String.join(", ", config.domains())),
                config.certificateName() == null ? "default" : "named '" + config.certificateName() + "'",
                material.info().sha256Fingerprint(), material.info().notAfter());
        return material;
    }

    private static String replicaName() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (Exception e) {
                host = "replica";
            }
        }
        return host.strip();
    }

    /** Logs in to the stored account, registering one first when there is none. */
    private Login login(AcmeClient client, AcmeConfig config) throws AcmeFailure {
        if (config.accountLocation() != null && config.sealedAccountKey() != null) {
            KeyPair key = AcmeClient.decode(secrets.open(config.sealedAccountKey(),
                    SecretBinding.acmeAccountKey(config.directoryUrl())));
            return client.login(config.accountLocation(), key);
        }
        order = new AcmeStatus.OrderInProgress(config.domains(), order.startedAt(), "registering the account", lease.replica());
        KeyPair key = AcmeClient.newKey();
        String hmac = config.sealedEabHmacKey() == null ? null
                : secrets.open(config.sealedEabHmacKey(), SecretBinding.acmeEabKey(config.directoryUrl(), config.eabKeyId()));
        URL location = client.register(key, config.email(), config.eabKeyId(), hmac);
        String sealedKey = secrets.seal(AcmeClient.encode(key), SecretBinding.acmeAccountKey(config.directoryUrl()));
        lease.update(stored -> stored.directoryUrl().equals(config.directoryUrl())
                ? stored.withAccount(location.toString(), sealedKey) : stored);
        LOG.infof("registered the ACME account %s", LogText.escape(location.toString()));
        return client.login(location.toString(), key);
    }

    /** The certificate the managed domain set is served with now, if any. */
    private Optional<TlsMaterial> served(AcmeConfig config) {
        var state = tls.state();
        if (config.certificateName() == null) {
            return state.certificateFromFiles() ? Optional.empty() : Optional.of(state.material());
        }
        return state.named().stream().filter(c -> c.name().equals(config.certificateName())).findFirst()
                .map(SniCertificate::material);
    }

    private static boolean covers(TlsMaterial material, String domain) {
        try {
            return SniCertificate.of("acme", material).covers(domain);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** When a third (the setting) of the lifetime is left. */
    private Instant renewAt(TlsMaterial material) {
        Instant notBefore = material.info().notBefore();
        Instant notAfter = material.info().notAfter();
        long lifetime = Duration.between(notBefore, notAfter).toSeconds();
        return notAfter.minusSeconds((long) (lifetime * renewWhenLeft));
    }

    /** Days until the managed certificate expires; NaN when none is managed or none covers the domain set. */
    double daysToExpiry() {
        AcmeConfig config = store.current().tls().acme();
        if (config == null) {
            return Double.NaN;
        }
        return served(config).filter(m -> config.domains().stream().allMatch(d -> covers(m, d)))
                .map(m -> Duration.between(clock.instant(), m.info().notAfter()).toSeconds() / 86400.0)
                .orElse(Double.NaN);
    }
}
