package io.portcullis.config;

import java.util.Objects;

/**
 * The {@link GatewaySettings} in force now: the defaults (application properties) overridden by
 * what the configuration store holds. Cheap enough for the wire path: a volatile read of the store's
 * snapshot and a reference comparison; the merge runs once per stored change of the settings.
 *
 * <p>Created once per process (the CDI producer lives where the properties are known, in
 * {@code proxy}); thread-safe.
 */
public final class LiveSettings {

    private final ConfigStore store;
    private final GatewaySettings defaults;
    private volatile Resolved resolved;

    /** The effective values of one stored settings object. */
    private record Resolved(SettingsConfig stored, GatewaySettings effective) {
    }

    public LiveSettings(ConfigStore store, GatewaySettings defaults) {
        this.store = Objects.requireNonNull(store, "store");
        this.defaults = Objects.requireNonNull(defaults, "defaults");
    }

    /** The values in force now. */
    public GatewaySettings current() {
        SettingsConfig stored = store.current().settings();
        Resolved r = resolved;
        if (r == null || r.stored() != stored) {
            r = new Resolved(stored, defaults.withOverrides(stored));
            resolved = r;
        }
        return r.effective();
    }

    /** The values the application properties give, before any stored override. */
    public GatewaySettings defaults() {
        return defaults;
    }
}
