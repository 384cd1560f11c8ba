package io.portcullis.api;

import org.jboss.logging.Logger;

/** One log line per configuration write: who (token name), what, and the resulting version. Never values. */
final class Audit {

    private static final Logger LOG = Logger.getLogger("io.portcullis.audit");

    private Audit() {
    }

    static void write(ApiCaller caller, String what, long version) {
        LOG.infof("%s by token '%s' (configuration version %d)", what, caller.name(), version);
    }
}
