package io.portcullis.api;

import io.portcullis.log.LogText;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * One line per accepted configuration write or runtime action, under the category {@value #CATEGORY}: who
 * (the name of the API token the request authenticated with, from its {@link SecurityIdentity}), what (the
 * action and the resource it touched), and the configuration version before and after. Never a value: no
 * password, verifier, token or key reaches this class, only resource names. What callers chose (names, a CSR
 * subject) is escaped ({@link LogText}), so it cannot forge an audit line.
 *
 * <p>Resource methods reach it only once Quarkus Security has let the caller in ({@code @RolesAllowed}), so
 * the caller is always known here; a refused request changes nothing and writes no line.
 *
 * <p>The version before is the one after minus one: {@link io.portcullis.config.ConfigStore#update}
 * stores each write with the next version, one at a time.
 */
@Singleton
public class Audit {

    static final String CATEGORY = "io.portcullis.audit";

    private static final Logger LOG = Logger.getLogger(CATEGORY);

    /** The current request's caller (a request-scoped proxy). */
    private final SecurityIdentity caller;

    @Inject
    public Audit(SecurityIdentity caller) {
        this.caller = caller;
    }

    /**
     * @param what the action and the resource, e.g. {@code replaced database 'qdb'}
     * @param version the configuration version the write produced
     */
    void write(String what, long version) {
        LOG.infof("token '%s' %s (configuration version %d -> %d)", LogText.escape(who()), LogText.escape(what), version - 1, version);
    }

    /**
     * An action on the running gateway that stores no configuration version (pause a pool, end a client
     * session, create a CSR).
     *
     * @param what the action and its target, e.g. {@code paused database 'qdb'}
     */
    void action(String what) {
        LOG.infof("token '%s' %s (runtime action, configuration unchanged)", LogText.escape(who()), LogText.escape(what));
    }

    private String who() {
        return caller.getPrincipal().getName();
    }
}
