package io.portcullis.config;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Produces the process's {@link LiveSettings}, whose defaults are the application properties named by the
 * descriptors ({@link Setting#property()}), each read through MicroProfile Config (so
 * {@code PORTCULLIS_POOL_QUERY_WAIT_TIMEOUT} and the profiles work as for any property) and falling back to
 * the descriptor's own default: the one place a default is written.
 */
@Singleton
public class LiveSettingsProducer {

    /** The prefix only runtime settings use (no config mapping owns it). */
    static final String POOL_PREFIX = "portcullis.pool.";

    @Produces
    @Singleton
    LiveSettings liveSettings(ConfigStore store, Config config) {
        return new LiveSettings(store, fromProperties(config));
    }

    /**
     * The settings the properties give, before any stored override.
     *
     * @throws ConfigException naming the property when a value cannot be read or is out of its setting's bounds
     */
    static GatewaySettings fromProperties(Config config) {
        List<String> errors = new ArrayList<>();
        GatewaySettings values = GatewaySettings.of(s -> {
            Object value = config.getOptionalValue(s.property(), String.class)
                    .map(text -> (Object) s.parse(text, s.property()))
                    .orElseGet(s::defaultValue);
            s.check(value, "property " + s.property() + ": ", errors);
            return value;
        });
        unknownPoolProperties(config, errors);
        if (!errors.isEmpty()) {
            throw new ConfigException(String.join("; ", errors));
        }
        return values;
    }

    /**
     * Every property under {@value #POOL_PREFIX} is a runtime setting, and no config mapping owns the prefix, so
     * SmallRye would let a misspelt one ({@code portcullis.pool.query-wait-timout}) pass and its default apply
     * silently: refused here instead, naming the ones that exist.
     */
    private static void unknownPoolProperties(Config config, List<String> errors) {
        Set<String> known = new TreeSet<>();
        RuntimeSettings.ALL.forEach(s -> known.add(s.property()));
        for (String name : config.getPropertyNames()) {
            if (name.startsWith(POOL_PREFIX) && !known.contains(name)) {
                errors.add("property " + name + " is not a setting; those under " + POOL_PREFIX + " are "
                        + known.stream().filter(k -> k.startsWith(POOL_PREFIX)).toList());
            }
        }
    }
}
