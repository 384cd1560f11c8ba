package io.portcullis.tls;

import io.portcullis.config.ConfigChanged;
import io.portcullis.config.ConfigException;
import io.portcullis.config.ConfigStore;
import io.portcullis.config.GatewayConfig;
import io.portcullis.config.NamedCertificate;
import io.portcullis.config.SecretBinding;
import io.portcullis.config.SecretBox;
import io.portcullis.config.SettingNames;
import io.portcullis.config.TlsConfig;
import io.portcullis.log.LogText;
import io.netty.handler.ssl.OpenSsl;
import io.quarkus.runtime.ImageMode;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Reception;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Owner and administration of the TLS the wire listener runs with: certificate, mode, protocols, ciphers,
 * client CA. The REST API, metrics and health read and change it here; the wire path never calls this
 * class: it handshakes and checks client certificates through {@link TlsHandshakes}, which reads the state
 * this class makes live.
 *
 * <p>Where each comes from, in order: the certificate from {@code portcullis.tls.cert-file} when
 * set (watched by {@link CertificateFileWatcher}), else from the configuration store (its key sealed; on the
 * first start the data directory's pair, or a self-signed one generated there, moves into the store: see
 * {@link ServerCertificateFiles}); replaced through the API on any replica, every replica sharing the store serves
 * the new one as soon as the change reaches it. Mode, protocols, ciphers and client CA
 * from the configuration store when set through the API, else from the application properties;
 * the client CA from {@code portcullis.tls.client-ca-file} when set. The key of a pending CSR waits in
 * the store too, so the certificate a CA issued for it can be installed through any replica.
 *
 * <p>Hot swap: the listener's TLS context ({@link ListenerTlsContext}) is built here and {@link #apply} replaces it
 * in one step. New handshakes use the new one; established sessions keep theirs and are never dropped. If the TLS
 * engine refuses the new settings, nothing changes and the caller learns why. Mode changes need no new context:
 * sessions read {@link #mode()} when a client starts up. Applying blocks (it builds the context, a few ms): call it
 * on a worker thread.
 */
@ApplicationScoped
public class TlsAdministration {

    private static final Logger LOG = Logger.getLogger(TlsAdministration.class);
    /** RFC 5280 / browser limit for a certificate's validity; also the most a self-signed one may ask for. */
    public static final int MAX_VALID_DAYS = 3650;

    @Inject
    TlsSettings settings;
    @Inject
    ConfigStore store;
    @ConfigProperty(name = SettingNames.DATA_DIR, defaultValue = SettingNames.DATA_DIR_DEFAULT)
    Path dataDir;
    @Inject
    Event<ServerCertificateChanged> certificateChanges;
    @Inject
    SecretBox secrets;

    private final ReentrantLock applyLock = new ReentrantLock();
    private final Clock clock = Clock.systemUTC();
    private volatile TlsState state;
    /** What the listener hands new connections; built from {@link #state} and replaced with it. */
    private ListenerTlsContext listenerContext;
    /** The resolved engine ({@link TlsEngine#OPENSSL} or {@link TlsEngine#JDK}), fixed for the process. */
    private TlsEngine engine;
    /** The stored TLS settings last looked at, so unrelated configuration changes cost nothing. */
    private volatile TlsConfig seenConfig;
    private CertificateFileSource files;
    /** {@code portcullis.tls.sni-cert-dir}, or null: then named certificates come from the store. */
    private SniCertificateDirectory sniFiles;
    /**
     * Why the stored certificate is not served (its key does not open with this replica's secret key), in words
     * without secrets; null while it is. Readiness is down while it is set.
     */
    private volatile String storedCertificateProblem;

    /*
     * TlsHandshakes reaches these through methods, never fields: it holds this bean's client proxy, whose own
     * fields are never initialized (reading proxy.engine gave null, and the listener fell back to the JDK engine).
     */

    /** The engine the listener's TLS uses, resolved once at start. */
    TlsEngine engine() {
        return engine;
    }

    /** The clock certificate validity is checked against. */
    Clock clock() {
        return clock;
    }

    @PostConstruct
    void init() {
        // Again here for dev mode and tests, where PortcullisMain does not run: before the first TLS context.
        InMemoryKeyStores.skipKeyDerivation();
        engine = TlsEngine.parse(settings.engine()).resolve();
        LOG.infof("client TLS engine: %s", engine == TlsEngine.OPENSSL ? "OpenSSL (" + OpenSsl.versionString() + ")" : "JDK");
        files = new CertificateFileSource(settings.certFile().orElse(null), settings.keyFile().orElse(null),
                settings.clientCaFile().orElse(null), clock);
        CertificateFileSource.Contents fromFiles = files.configured() ? files.load() : new CertificateFileSource.Contents(null, null);
        TlsMaterial material;
        if (fromFiles.material() != null) {
            material = fromFiles.material();
            LOG.infof("loaded the server certificate from %s (watched for changes)", LogText.escape(settings.certFile().orElseThrow()));
        } else {
            material = storedOrAdopted();
        }
        sniFiles = settings.sniCertDir().map(dir -> new SniCertificateDirectory(dir, clock)).orElse(null);
        TlsConfig stored = store.current().tls();
        seenConfig = stored;
        ClientCa clientCa = fromFiles.clientCa() != null ? fromFiles.clientCa()
                : stored.clientCaPem() == null ? null : ClientCa.parse(stored.clientCaPem());
        TlsState initial = settingsFrom(stored, new TlsState(material, ClientTlsMode.REQUIRE, VertxTls.DEFAULT_PROTOCOLS,
                List.of(), clientCa, fromFiles.material() != null, sniFiles != null ? sniFiles.load() : openNamed(stored)));
        if (sniFiles != null) {
            LOG.infof("serving %d named certificates from %s (watched for changes)", initial.named().size(),
                    LogText.escape(sniFiles.directory().toString()));
        }
        listenerContext = new ListenerTlsContext(initial, engine);
        // On the JVM also the warm-up: the first handshake would otherwise load the TLS machinery on an
        // event loop (about a second on a cold JVM). A native executable has nothing to load or compile:
        // there the context is built by the first handshake, so that the start does not wait ~0.14 s for it.
        // The settings were checked when they were stored.
        if (ImageMode.current() != ImageMode.NATIVE_RUN) {
            ListenerTlsContext.check(initial, engine);
            listenerContext.current();
        }
        state = initial;
        CertificateInfo info = material.info();
        // A certificate's subject is whatever whoever made it wrote (a self-signed common name comes from the API).
        LOG.infof("server certificate %s; SHA-256 fingerprint %s, valid until %s", LogText.escape(info.subject()),
                info.sha256Fingerprint(), info.notAfter());
    }

    /**
     * The certificate to serve at start, when no cert-file is set: the store's; when the store has none, the data
     * directory's pair (or a new self-signed one), which then moves into the store unless another replica stored
     * one first. A stored key that does not open leaves the data directory's certificate in place and readiness down.
     */
    private TlsMaterial storedOrAdopted() {
        TlsConfig stored = store.current().tls();
        if (stored.hasCertificate()) {
            try {
                return servedFromStore(openStored(stored));
            } catch (RuntimeException e) {
                storedCertificateProblem = "the server certificate " + stored.certificateSha256()
                        + " in the configuration store cannot be served: " + e.getMessage();
                LOG.errorf("%s; not ready until it can (give every replica the same %s)", LogText.escape(storedCertificateProblem),
                        SettingNames.SECRET_KEY);
            }
        }
        ServerCertificateFiles.Loaded loaded = ServerCertificateFiles.loadOrCreate(dataDir, hostname(), new SecureRandom(), clock);
        LOG.info(LogText.escape(loaded.detail()));
        return storedCertificateProblem == null ? adopt(loaded.material()) : loaded.material();
    }

    /**
     * Moves {@code local} (and a pending CSR key of the data directory) into the store, sealed, and deletes the
     * key files; returns what to serve: {@code local}, or the certificate another replica stored first.
     */
    private TlsMaterial adopt(TlsMaterial local) {
        String fingerprint = local.info().sha256Fingerprint();
        Optional<String> pendingFile = ServerCertificateFiles.pendingKey(dataDir);
        try {
            String sealedKey = secrets.seal(local.privateKeyPem(), SecretBinding.listenerKey(fingerprint));
            String sealedPending = pendingFile.map(pem -> secrets.seal(pem, SecretBinding.pendingKey())).orElse(null);
            GatewayConfig written = store.update(ConfigStore.ANY_VERSION, config -> {
                TlsConfig tls = config.tls();
                // Another replica's certificate, or (written by an earlier version) one installed through the API on
                // another replica, which moves into the store when that replica starts: this one keeps its own.
                if (tls.hasCertificate() || (tls.certificateSha256() != null && !tls.certificateSha256().equals(fingerprint))) {
                    throw new NotAdopted();
                }
                tls = tls.withCertificate(local.certificateChainPem(), fingerprint, sealedKey);
                if (sealedPending != null && tls.sealedPendingKey() == null) {
                    tls = tls.withSealedPendingKey(sealedPending);
                }
                return config.withTls(tls);
            });
            ServerCertificateFiles.retireKey(dataDir);
            if (pendingFile.isPresent()) {
                ServerCertificateFiles.deletePendingKey(dataDir);
            }
            LOG.infof("the server certificate is now kept in the configuration store (version %d), its key sealed; "
                    + "%s was deleted", written.version(), ServerCertificateFiles.keyFile(dataDir));
            return local;
        } catch (NotAdopted e) {
            TlsConfig stored = store.current().tls();
            if (!stored.hasCertificate()) {
                LOG.warnf("serving the data directory's certificate: the configuration records certificate %s, installed "
                        + "through the API on another replica, which stores it when it starts", stored.certificateSha256());
                return local;
            }
            return servedFromStore(openStored(stored));
        } catch (RuntimeException e) {
            LOG.warnf("serving the data directory's certificate; it could not be moved into the configuration store (%s) "
                    + "and is moved at the next start", LogText.escape(e.getMessage()));
            return local;
        }
    }

    /** The stored certificate with its key opened; an expired self-signed one is renewed (see {@link ServerCertificateFiles}). */
    private TlsMaterial openStored(TlsConfig stored) {
        String keyPem = secrets.open(stored.sealedCertificateKey(), SecretBinding.listenerKey(stored.certificateSha256()));
        TlsMaterial material = TlsMaterial.parseIgnoringValidity(stored.certificateChainPem(), keyPem, null);
        if (!material.info().sha256Fingerprint().equals(stored.certificateSha256())) {
            throw new CertificateMaterialException("its fingerprint is not the one recorded with it");
        }
        return material;
    }

    /**
     * The stored named certificates with their keys opened. One that cannot be opened (a key sealed with another
     * secret key, a damaged entry) is left out and logged: clients asking for its names get the default certificate.
     */
    private List<SniCertificate> openNamed(TlsConfig stored) {
        List<SniCertificate> opened = new ArrayList<>();
        for (NamedCertificate named : stored.namedCertificates()) {
            try {
                String keyPem = secrets.open(named.sealedKey(), SecretBinding.listenerKey(named.certificateSha256()));
                TlsMaterial material = TlsMaterial.parseIgnoringValidity(named.certificateChainPem(), keyPem, null);
                if (!material.info().sha256Fingerprint().equals(named.certificateSha256())) {
                    throw new CertificateMaterialException("its fingerprint is not the one recorded with it");
                }
                opened.add(SniCertificate.of(named.name(), material));
            } catch (RuntimeException e) {
                LOG.errorf("the named certificate %s in the configuration store cannot be served: %s", named.name(),
                        LogText.escape(e.getMessage()));
            }
        }
        return opened;
    }

    /**
     * Serves {@code material} to clients whose server name (SNI) it covers, under {@code name} (replacing the
     * certificate of that name), and stores it with its key sealed, so every replica sharing the store serves it.
     * Blocking.
     *
     * @param expectedVersion the configuration version the caller saw, or {@link ConfigStore#ANY_VERSION}
     * @return the configuration written
     * @throws CertificateMaterialException when the certificate names no DNS name or the TLS engine refuses it
     */
    public GatewayConfig installNamedCertificate(String name, TlsMaterial material, long expectedVersion) {
        requireNamedFromStore();
        SniCertificate certificate = SniCertificate.of(name, material);
        applyLock.lock();
        try {
            TlsState previous = state;
            // In place when it replaces one, as the store keeps it: the first certificate that covers a name wins, and
            // every replica (reading the store's order) must pick the same one.
            List<SniCertificate> named = new ArrayList<>(previous.named());
            int at = named.stream().map(SniCertificate::name).toList().indexOf(name);
            if (at >= 0) {
                named.set(at, certificate);
            } else {
                named.add(certificate);
            }
            TlsState next = previous.withNamed(named);
            ListenerTlsContext.check(next, engine);
            String fingerprint = material.info().sha256Fingerprint();
            String sealedKey = secrets.seal(material.privateKeyPem(), SecretBinding.listenerKey(fingerprint));
            apply(next);
            try {
                return store.update(expectedVersion, config -> config.withTls(config.tls().withNamedCertificate(
                        new NamedCertificate(name, material.certificateChainPem(), fingerprint, sealedKey))));
            } catch (RuntimeException e) {
                apply(previous);
                throw e;
            }
        } finally {
            applyLock.unlock();
        }
    }

    /**
     * Stops serving the named certificate and removes it from the store. Blocking.
     *
     * @return the configuration written, or empty when no certificate has that name
     */
    public Optional<GatewayConfig> removeNamedCertificate(String name, long expectedVersion) {
        requireNamedFromStore();
        applyLock.lock();
        try {
            TlsState previous = state;
            if (previous.named().stream().noneMatch(c -> c.name().equals(name))
                    && store.current().tls().namedCertificate(name).isEmpty()) {
                return Optional.empty();
            }
            apply(previous.withNamed(previous.named().stream().filter(c -> !c.name().equals(name)).toList()));
            try {
                return Optional.of(store.update(expectedVersion, config -> config.withTls(config.tls().withoutNamedCertificate(name))));
            } catch (RuntimeException e) {
                apply(previous);
                throw e;
            }
        } finally {
            applyLock.unlock();
        }
    }

    private void requireNamedFromStore() {
        if (sniFiles != null) {
            throw new CertificateSourceConflict("named certificates come from portcullis.tls.sni-cert-dir ("
                    + sniFiles.directory() + "); add, replace or remove a subdirectory there instead, it is reloaded automatically");
        }
    }

    /** Whether named certificates come from {@code portcullis.tls.sni-cert-dir} (and so not from the API). */
    public boolean namedFromFiles() {
        return sniFiles != null;
    }

    /** {@code portcullis.tls.sni-cert-dir}'s certificates, or null when they come from the store. */
    SniCertificateDirectory sniFiles() {
        return sniFiles;
    }

    /** Serves what the named-certificate directory holds now. Blocking. */
    void applyNamedFiles(List<SniCertificate> certificates) {
        applyLock.lock();
        try {
            TlsState next = state.withNamed(certificates);
            ListenerTlsContext.check(next, engine);
            apply(next);
        } finally {
            applyLock.unlock();
        }
    }

    /** Keeps the data directory's public copy of the served chain in step; a failure there only costs the copy. */
    private TlsMaterial servedFromStore(TlsMaterial material) {
        try {
            ServerCertificateFiles.storePublicCopy(dataDir, material.certificateChainPem());
        } catch (RuntimeException e) {
            LOG.warnf("could not update the public copy of the server certificate: %s", LogText.escape(e.getMessage()));
        }
        return material;
    }

    /** Why the stored certificate is not served, or empty when it is (or none is stored). */
    public Optional<String> storedCertificateProblem() {
        return Optional.ofNullable(storedCertificateProblem);
    }

    /** What the listener runs with now. */
    public TlsState state() {
        return state;
    }

    public ClientTlsMode mode() {
        return state.mode();
    }

    public TlsMaterial material() {
        return state.material();
    }

    /** The certificate and client CA files, for {@link CertificateFileWatcher}. */
    CertificateFileSource files() {
        return files;
    }

    /** The TLS context the listener hands new connections. */
    ListenerTlsContext listenerContext() {
        return listenerContext;
    }

    /**
     * The state {@code config} asks for, on top of {@code base}: stored values win over the
     * application properties. The client CA from the store is used unless a client-ca-file is set.
     *
     * @throws ConfigException or {@link CertificateMaterialException} saying what is unusable
     */
    public TlsState resolve(TlsConfig config) {
        TlsState base = settingsFrom(config, state);
        if (settings.clientCaFile().isEmpty()) {
            base = base.withClientCa(config.clientCaPem() == null ? null : ClientCa.parse(config.clientCaPem()));
        }
        if (base.mode().requiresClientCertificate() && base.clientCa() == null) {
            throw new ConfigException("mode " + base.mode().wireName()
                    + " needs a client CA to verify client certificates against; configure one first (PUT /api/v1/tls/client-ca)");
        }
        ListenerTlsContext.check(base, engine);
        return base;
    }

    /**
     * Applies stored-settings changes made through the API: resolves and checks {@code config},
     * makes it the listener's TLS context, then runs {@code persist} (the store write). If the TLS engine
     * refuses, nothing is stored; if storing fails, the previous settings are put back. Blocking.
     *
     * @throws CertificateSourceConflict when the client CA comes from a file and {@code config} changes it
     */
    public TlsState changeStoredSettings(TlsConfig config, Runnable persist) {
        applyLock.lock();
        try {
            TlsState previous = state;
            if (settings.clientCaFile().isPresent()
                    && !java.util.Objects.equals(config.clientCaPem(), store.current().tls().clientCaPem())) {
                throw new CertificateSourceConflict("the client CA comes from portcullis.tls.client-ca-file ("
                        + settings.clientCaFile().orElseThrow() + "); replace that file instead, it is reloaded automatically");
            }
            TlsState next = resolve(config);
            apply(next);
            try {
                persist.run();
            } catch (RuntimeException e) {
                apply(previous);
                throw e;
            }
            return state;
        } finally {
            applyLock.unlock();
        }
    }

    /** Whether the client CA comes from {@code portcullis.tls.client-ca-file}. */
    public boolean clientCaFromFile() {
        return settings.clientCaFile().isPresent();
    }

    private TlsState settingsFrom(TlsConfig config, TlsState base) {
        ClientTlsMode mode = ClientTlsMode.of(config.mode() != null ? config.mode() : settings.mode());
        List<String> protocols = protocols(config.protocols().isEmpty() ? settings.protocols() : config.protocols());
        // As for protocols, an empty list is "unset": back to portcullis.tls.ciphers, and without it the defaults.
        List<String> ciphers = ciphers(config.ciphers() != null && !config.ciphers().isEmpty() ? config.ciphers()
                : settings.ciphers().orElse(List.of()));
        return base.withSettings(mode, protocols, ciphers);
    }

    /**
     * Makes {@code next} live: the listener's TLS context for new handshakes, and the mode. Blocking.
     *
     * @throws CertificateMaterialException when the TLS engine refuses; the previous state stays live
     *     everywhere and the message says why
     */
    public void apply(TlsState next) {
        applyLock.lock();
        try {
            TlsState previous = state;
            if (previous.listenerDiffers(next)) {
                try {
                    listenerContext.swap(next);
                } catch (CertificateMaterialException e) {
                    throw new CertificateMaterialException("the listener refused the new TLS settings ("
                            + rootMessage(e) + "); the previous ones stay in force", e);
                }
            }
            state = next;
            if (previous.mode() != next.mode()) {
                LOG.infof("client TLS mode is now %s", next.mode().wireName());
            }
            if (!previous.material().certificateChainPem().equals(next.material().certificateChainPem())) {
                CertificateInfo info = next.material().info();
                LOG.infof("now serving certificate %s; SHA-256 fingerprint %s, valid until %s", LogText.escape(info.subject()),
                        info.sha256Fingerprint(), info.notAfter());
                certificateChanges.fireAsync(new ServerCertificateChanged(next.material()));
            }
        } finally {
            applyLock.unlock();
        }
    }

    /**
     * Serves {@code material} from now on and stores it, its key sealed, in the configuration store, from where
     * every replica sharing it serves it too. If storing fails, the previous certificate is put back. Blocking.
     *
     * @param expectedVersion the configuration version the caller saw, or {@link ConfigStore#ANY_VERSION}
     * @return the configuration written
     * @throws CertificateSourceConflict when the certificate comes from files
     */
    public GatewayConfig installCertificate(TlsMaterial material, boolean completesPendingRequest, long expectedVersion) {
        applyLock.lock();
        try {
            TlsState previous = state;
            if (previous.certificateFromFiles()) {
                throw new CertificateSourceConflict("the server certificate comes from portcullis.tls.cert-file ("
                        + settings.certFile().orElseThrow() + "); replace that file instead, it is reloaded automatically");
            }
            TlsState next = previous.withMaterial(material);
            ListenerTlsContext.check(next, engine);
            String fingerprint = material.info().sha256Fingerprint();
            String sealedKey = secrets.seal(material.privateKeyPem(), SecretBinding.listenerKey(fingerprint));
            apply(next);
            GatewayConfig written;
            try {
                written = store.update(expectedVersion, config -> {
                    TlsConfig tls = config.tls().withCertificate(material.certificateChainPem(), fingerprint, sealedKey);
                    return config.withTls(completesPendingRequest ? tls.withSealedPendingKey(null) : tls);
                });
            } catch (RuntimeException e) {
                apply(previous);
                throw e;
            }
            storedCertificateProblem = null;
            servedFromStore(material);
            return written;
        } finally {
            applyLock.unlock();
        }
    }

    /** The key of the pending CSR, if one was created and its certificate not installed yet. */
    public Optional<String> pendingKeyPem() {
        String sealed = store.current().tls().sealedPendingKey();
        return sealed == null ? ServerCertificateFiles.pendingKey(dataDir) : Optional.of(secrets.open(sealed, SecretBinding.pendingKey()));
    }

    /**
     * Generates a key and a CSR for it; the key waits, sealed, in the configuration store for the signed
     * certificate (which may then be installed through any replica).
     *
     * @return the CSR, PEM, and the configuration written
     */
    public CertificateRequest createCertificateRequest(String subject, List<String> subjectAltNames) {
        if (state.certificateFromFiles()) {
            throw new CertificateSourceConflict("the server certificate comes from portcullis.tls.cert-file ("
                    + settings.certFile().orElseThrow() + "); a CSR made here could never be installed");
        }
        CertificateRequests.Pending pending = CertificateRequests.generate(subject, subjectAltNames, new SecureRandom());
        String sealed = secrets.seal(pending.privateKeyPem(), SecretBinding.pendingKey());
        GatewayConfig written = store.update(ConfigStore.ANY_VERSION, c -> c.withTls(c.tls().withSealedPendingKey(sealed)));
        return new CertificateRequest(pending.csrPem(), written);
    }

    /** A CSR and the configuration that holds its key. */
    public record CertificateRequest(String csrPem, GatewayConfig written) {
    }

    /** Generates a self-signed certificate (EC P-256) for the given names; not installed yet. */
    public TlsMaterial selfSigned(String commonName, List<String> subjectAltNames, int validDays) {
        if (validDays < 1 || validDays > MAX_VALID_DAYS) {
            throw new CertificateMaterialException("validDays must be between 1 and " + MAX_VALID_DAYS + ", not " + validDays);
        }
        List<String> dns = new ArrayList<>();
        List<String> ips = new ArrayList<>();
        for (String name : subjectAltNames == null ? List.<String>of() : subjectAltNames) {
            (name != null && org.bouncycastle.util.IPAddress.isValid(name) ? ips : dns).add(name);
        }
        try {
            return SelfSignedCertificates.generate(commonName, dns, ips, Duration.ofDays(validDays),
                    new SecureRandom(), clock).parse();
        } catch (IllegalArgumentException e) {
            throw new CertificateMaterialException(e.getMessage(), e);
        }
    }

    /**
     * Applies TLS settings another writer (a replica, an import) stored. Never throws: the store has already committed.
     * IF_EXISTS: the start's own write (the certificate moving into the store, from {@link #init}) must not make the
     * container create a second instance while this one is still being constructed.
     */
    void onConfigChanged(@Observes(notifyObserver = Reception.IF_EXISTS) ConfigChanged change) {
        TlsState current = state;
        if (current == null) {
            return;
        }
        TlsConfig stored = change.after().tls();
        if (stored.equals(seenConfig)) {
            return;
        }
        seenConfig = stored;
        try {
            TlsState wanted = resolve(stored);
            if (!current.certificateFromFiles() && stored.hasCertificate()
                    && !stored.certificateSha256().equals(current.material().info().sha256Fingerprint())) {
                wanted = withStoredCertificate(wanted, stored);
            }
            if (sniFiles == null && !namedFingerprints(stored).equals(current.named().stream()
                    .map(c -> c.name() + "=" + c.material().info().sha256Fingerprint()).toList())) {
                wanted = wanted.withNamed(openNamed(stored));
            }
            if (!wanted.equals(current) && (current.listenerDiffers(wanted) || current.mode() != wanted.mode())) {
                apply(wanted);
            }
        } catch (RuntimeException e) {
            LOG.errorf("stored TLS settings could not be applied, the previous ones stay in force: %s", LogText.escape(e.getMessage()));
        }
    }

    private static List<String> namedFingerprints(TlsConfig stored) {
        return stored.namedCertificates().stream().map(c -> c.name() + "=" + c.certificateSha256()).toList();
    }

    /** {@code wanted} serving the stored certificate, or unchanged (and not ready) when its key does not open here. */
    private TlsState withStoredCertificate(TlsState wanted, TlsConfig stored) {
        TlsMaterial material;
        try {
            material = openStored(stored);
            ListenerTlsContext.check(wanted.withMaterial(material), engine);
        } catch (RuntimeException e) {
            storedCertificateProblem = "the server certificate " + stored.certificateSha256()
                    + " in the configuration store cannot be served: " + e.getMessage();
            LOG.errorf("%s; the previous certificate stays in force and this replica is not ready", LogText.escape(storedCertificateProblem));
            return wanted;
        }
        storedCertificateProblem = null;
        servedFromStore(material);
        return wanted.withMaterial(material);
    }

    /** Applies what the watched files hold now. Blocking. */
    void applyFiles(CertificateFileSource.Contents contents) {
        applyLock.lock();
        try {
            TlsState next = state;
            if (contents.material() != null) {
                next = next.withMaterial(contents.material());
            }
            if (settings.clientCaFile().isPresent()) {
                next = next.withClientCa(contents.clientCa());
            }
            ListenerTlsContext.check(next, engine);
            apply(next);
        } finally {
            applyLock.unlock();
        }
    }

    /** Aborts a start-time move into the store that found a certificate already there; writes nothing. */
    private static final class NotAdopted extends RuntimeException {
        NotAdopted() {
            super(null, null, false, false);
        }
    }

    private static List<String> protocols(List<String> requested) {
        Set<String> result = new LinkedHashSet<>();
        for (String protocol : requested) {
            if (!VertxTls.ALLOWED_PROTOCOLS.contains(protocol)) {
                throw new ConfigException("TLS protocol '" + protocol + "' is not allowed; use TLSv1.2 and/or TLSv1.3");
            }
            result.add(protocol);
        }
        if (result.isEmpty()) {
            throw new ConfigException("at least one TLS protocol (TLSv1.2, TLSv1.3) is required");
        }
        return List.copyOf(result);
    }

    /** The configured cipher suites, checked against the engine; none configured means {@link VertxTls#defaultCiphers}. */
    private List<String> ciphers(List<String> requested) {
        if (requested.isEmpty()) {
            return VertxTls.defaultCiphers(engine);
        }
        Set<String> supported = engine.supportedCiphers();
        List<String> unknown = requested.stream().filter(c -> !supported.contains(c)).toList();
        if (!unknown.isEmpty()) {
            throw new ConfigException("unknown cipher suite(s) " + unknown + "; use JSSE names such as TLS_AES_128_GCM_SHA256");
        }
        return List.copyOf(new LinkedHashSet<>(requested));
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    private static String hostname() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.toLowerCase(Locale.ROOT);
        }
        try {
            return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
        } catch (Exception e) {
            return "localhost";
        }
    }
}
