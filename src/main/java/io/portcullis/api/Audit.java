package io.portcullis.api;

import io.portcullis.log.LogText;
import org.jboss.logging.Logger;

/**
 * One line per stored configuration write, under the category {@value #CATEGORY}: who (the name of
 * the API token used), what (the action and the resource it touched), and the configuration version
 * before and after. Never a value: no password, verifier, token or key reaches this class, only
 * resource names. What callers chose (names, a CSR subject) is escaped ({@link LogText}), so it cannot forge
 * an audit line.
 *
 * <p>The version before is the one after minus one: {@link io.portcullis.config.ConfigStore#update}
 * stores each write with the next version, one at a time.
 */
final class Audit {

    static final String CATEGORY = "io.portcullis.audit";

    private static final Logger LOG = Logger.getLogger(CATEGORY);

    private Audit() {
    }

    /**
     * @param what the action and the resource, e.g. {@code replaced database 'qdb'}
     * @param version the configuration version the write produced
     */
    static void write(ApiCaller caller, String what, long version) {
        LOG.infof("token '%s' %s (configuration version %d -> %d)", LogText.escape(caller.name()), LogText.escape(what),
                version - 1, version);
    }

    /**
     * An action on the running gateway that stores nothing (pause a pool, end a client session).
     *
     * @param what the action and its target, e.g. {@code paused database 'qdb'}
     */
    static void action(ApiCaller caller, String what) {
        LOG.infof("token '%s' %s (runtime action, configuration unchanged)", LogText.escape(caller.name()), LogText.escape(what));
    }
}
