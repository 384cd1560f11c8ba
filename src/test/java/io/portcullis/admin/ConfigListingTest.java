package io.portcullis.admin;

import io.portcullis.cluster.ClusterSettings;
import io.portcullis.config.GatewaySettings;
import io.portcullis.config.RuntimeSettings;
import io.portcullis.config.SettingsConfig;
import io.portcullis.peer.PeerSettings;
import io.portcullis.proxy.ListenerSettings;
import io.portcullis.proxy.SessionSettings;
import io.portcullis.proxy.ShutdownSettings;
import io.smallrye.config.WithDefault;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * SHOW CONFIG lists every runtime setting descriptor with its default, and the other rows' defaults are the
 * settings interfaces' {@code @WithDefault}s with keys that are real properties.
 */
class ConfigListingTest {

    private static final Map<String, Class<?>> PREFIXES = Map.of(
            "portcullis.listen.", ListenerSettings.class,
            "portcullis.session.", SessionSettings.class,
            "portcullis.shutdown.", ShutdownSettings.class,
            "portcullis.admin.", AdminSettings.class,
            "portcullis.cluster.", ClusterSettings.class,
            "portcullis.peer.", PeerSettings.class,
            "portcullis.websocket.", io.portcullis.proxy.WebSocketSettings.class);

    @Test
    void defaultsAndKeysMatchTheSettingsInterfaces() {
        ListenerSettings listen = defaults(ListenerSettings.class);
        SessionSettings session = defaults(SessionSettings.class);
        List<ConfigListing.Setting> rows = ConfigListing.of(listen, GatewaySettings.builtIn(),
                session, defaults(ShutdownSettings.class), defaults(AdminSettings.class), defaults(ClusterSettings.class),
                defaults(PeerSettings.class), defaults(io.portcullis.proxy.WebSocketSettings.class));
        assertEquals(17 + RuntimeSettings.ALL.size(), rows.size());
        Map<String, io.portcullis.config.Setting<?>> descriptors = new java.util.HashMap<>();
        RuntimeSettings.ALL.forEach(s -> descriptors.put(s.property(), s));
        for (ConfigListing.Setting row : rows) {
            io.portcullis.config.Setting<?> descriptor = descriptors.get(row.key());
            if (descriptor != null) {
                assertEquals(descriptor.defaultText(), row.defaultValue(), row.key());
            } else {
                Map.Entry<String, Class<?>> prefix = PREFIXES.entrySet().stream()
                        .filter(e -> row.key().startsWith(e.getKey())).findFirst().orElseThrow();
                Method method = method(prefix.getValue(), row.key().substring(prefix.getKey().length()));
                WithDefault declared = method.getAnnotation(WithDefault.class);
                if (declared == null) {
                    // Only an Optional setting may go without a default: it is shown empty.
                    assertEquals(Optional.class, method.getReturnType(), row.key());
                    assertEquals("", row.defaultValue(), row.key());
                } else if (method.getReturnType() == Duration.class) {
                    // Shown as SHOW CONFIG shows every duration (seconds or milliseconds), whatever unit it is declared in.
                    assertEquals(duration(declared.value()), duration(row.defaultValue()), row.key());
                } else {
                    assertEquals(declared.value(), row.defaultValue(), row.key());
                }
            }
            assertEquals(row.defaultValue(), row.value(), "built from defaults, value = default: " + row.key());
        }
    }

    /** Every setting the API can override lists the value in force, not the property it started with. */
    @Test
    void overridableSettingsShowTheValueInForce() {
        ListenerSettings listen = defaults(ListenerSettings.class);
        SessionSettings session = defaults(SessionSettings.class);
        GatewaySettings overridden = GatewaySettings.builtIn().withOverrides(SettingsConfig.UNSET
                .with(RuntimeSettings.QUERY_WAIT_TIMEOUT, Duration.ofSeconds(7))
                .with(RuntimeSettings.RESERVE_POOL_TIMEOUT, Duration.ofMillis(1500))
                .with(RuntimeSettings.SERVER_CHECK_QUERY, "SELECT 2")
                .with(RuntimeSettings.CLIENT_LOGIN_TIMEOUT, Duration.ofSeconds(8))
                .with(RuntimeSettings.MAX_CLIENT_CONNECTIONS, 250));
        Map<String, String> shown = new java.util.HashMap<>();
        ConfigListing.of(listen, overridden, session, defaults(ShutdownSettings.class), defaults(AdminSettings.class),
                        defaults(ClusterSettings.class), defaults(PeerSettings.class), defaults(io.portcullis.proxy.WebSocketSettings.class))
                .forEach(row -> shown.put(row.key(), row.value()));
        assertEquals("7s", shown.get("portcullis.pool.query-wait-timeout"));
        assertEquals("1500ms", shown.get("portcullis.pool.reserve-pool-timeout"));
        assertEquals("SELECT 2", shown.get("portcullis.pool.server-check-query"));
        assertEquals("8s", shown.get("portcullis.listen.client-login-timeout"));
        assertEquals("250", shown.get("portcullis.listen.max-client-connections"));
        assertEquals("3600s", shown.get("portcullis.pool.server-lifetime"), "not overridden: the default");
    }

    private static Method method(Class<?> type, String kebab) {
        for (Method m : type.getMethods()) {
            if (m.getName().replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase().equals(kebab)) {
                return m;
            }
        }
        throw new AssertionError("no " + kebab + " in " + type.getSimpleName());
    }

    /** A duration as the settings declare them: 250ms, 5s, 1h, 7d. */
    private static Duration duration(String v) {
        long amount = Long.parseLong(v.replaceAll("[a-z]+$", ""));
        return v.endsWith("ms") ? Duration.ofMillis(amount) : v.endsWith("d") ? Duration.ofDays(amount)
                : v.endsWith("h") ? Duration.ofHours(amount) : v.endsWith("m") ? Duration.ofMinutes(amount)
                : Duration.ofSeconds(amount);
    }

    /** An implementation of a settings interface answering each method's {@code @WithDefault}. */
    @SuppressWarnings("unchecked")
    private static <T> T defaults(Class<T> type) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, (proxy, m, args) -> {
            WithDefault d = m.getAnnotation(WithDefault.class);
            Class<?> r = m.getReturnType();
            if (d == null) {
                return r == Optional.class ? Optional.empty() : r == boolean.class ? Boolean.FALSE : null;
            }
            if (r == Duration.class) {
                return duration(d.value());
            }
            if (r == int.class) {
                return Integer.parseInt(d.value());
            }
            if (r == boolean.class) {
                return Boolean.parseBoolean(d.value());
            }
            if (r.isEnum()) {
                return Enum.valueOf(r.asSubclass(Enum.class), d.value().toUpperCase().replace('-', '_'));
            }
            return d.value();
        });
    }
}
