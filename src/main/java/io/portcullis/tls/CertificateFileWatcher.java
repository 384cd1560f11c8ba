package io.portcullis.tls;

import io.portcullis.log.LogText;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reloads {@code portcullis.tls.cert-file}, {@code key-file}, {@code client-ca-file} and the named certificates of
 * {@code sni-cert-dir} when they change, without restart or signal: a Vert.x periodic timer every
 * {@code portcullis.tls.file-check-interval} hands a poll to this watcher's own worker thread
 * ({@link CertificateFileSource} compares content hashes). A bad new file keeps the old material
 * in force and is logged once with the reason.
 *
 * <p>Why an own thread rather than {@code vertx.executeBlocking}: a poll reads files and builds TLS contexts, one
 * poll at a time; on its own thread it can neither hold up an event loop nor take a slot of Vert.x's shared worker
 * pool from the requests that need one.
 */
@ApplicationScoped
public class CertificateFileWatcher {

    private static final Logger LOG = Logger.getLogger(CertificateFileWatcher.class);

    @Inject
    Vertx vertx;
    @Inject
    TlsAdministration tls;
    @Inject
    TlsSettings settings;

    private final AtomicBoolean polling = new AtomicBoolean();
    private volatile long timer = -1;
    private volatile ExecutorService worker;

    void onStart(@Observes StartupEvent event) {
        if (!tls.files().configured() && tls.sniFiles() == null) {
            return;
        }
        worker = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "portcullis-tls-files");
            thread.setDaemon(true);
            return thread;
        });
        timer = vertx.setPeriodic(settings.fileCheckInterval().toMillis(), id -> poll());
    }

    void onStop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        if (worker != null) {
            worker.shutdownNow();
        }
    }

    /** The named-certificate directory, on its own: a bad entry there must not hold back the server certificate's files. */
    private void pollNamed() {
        SniCertificateDirectory named = tls.sniFiles();
        if (named == null) {
            return;
        }
        try {
            named.poll().ifPresent(certificates -> {
                tls.applyNamedFiles(certificates);
                LOG.infof("reloaded the named certificates of %s: %s", LogText.escape(named.directory().toString()),
                        certificates.stream().map(SniCertificate::name).toList());
            });
        } catch (RuntimeException e) {
            LOG.warnf("the named certificates changed but cannot be used, the previous ones stay in force: %s",
                    LogText.escape(e.getMessage()));
        }
    }

    /**
     * Checks the files now (the console's RELOAD), on the caller's thread, and applies what changed; the same check
     * the timer runs, one at a time. Blocking.
     */
    public void reloadNow() {
        if (tls.files().configured() || tls.sniFiles() != null) {
            pollOnce();
        }
    }

    private void poll() {
        if (!polling.compareAndSet(false, true)) {
            return;
        }
        worker.execute(() -> {
            try {
                pollOnce();
            } finally {
                polling.set(false);
            }
        });
    }

    /** One check of every watched file; synchronized: the file sources keep state for one poller. */
    private synchronized void pollOnce() {
        try {
            pollNamed();
            if (!tls.files().configured()) {
                return;
            }
            tls.files().poll().ifPresent(contents -> {
                tls.applyFiles(contents);
                LOG.info("reloaded the TLS certificate files");
            });
        } catch (CertificateMaterialException e) {
            LOG.warnf("the TLS certificate files changed but cannot be used, the previous certificate stays in force: %s",
                    LogText.escape(e.getMessage()));
        } catch (RuntimeException e) {
            LOG.warnf("the TLS certificate files could not be reloaded, the previous certificate stays in force: %s",
                    LogText.escape(e.getMessage()));
        }
    }
}
