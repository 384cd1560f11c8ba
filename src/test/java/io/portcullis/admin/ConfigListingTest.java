package io.portcullis.admin;

import io.portcullis.config.GatewaySettings;
import io.portcullis.config.SettingsConfig;
import io.portcullis.pool.PoolSettings;
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
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** SHOW CONFIG's defaults must be the settings interfaces' {@code @WithDefault}s, and its keys real properties. */
class ConfigListingTest {

    private static final Map<String, Class<?>> PREFIXES = Map.of(
            "portcullis.listen.", ListenerSettings.class,
            "portcullis.pool.", PoolSettings.class,
            "portcullis.session.", SessionSettings.class,
            "portcullis.shutdown.", ShutdownSettings.class,
            "portcullis.admin.", AdminSettings.class);

    @Test
    void defaultsAndKeysMatchTheSettingsInterfaces() {
        ListenerSettings listen = defaults(ListenerSettings.class);
        SessionSettings session = defaults(SessionSettings.class);
        List<ConfigListing.Setting> rows = ConfigListing.of(listen, inForce(defaults(PoolSettings.class), listen, session),
                session, defaults(ShutdownSettings.class), defaults(AdminSettings.class));
        assertEquals(22, rows.size());
        for (ConfigListing.Setting row : rows) {
            Map.Entry<String, Class<?>> prefix = PREFIXES.entrySet().stream()
                    .filter(e -> row.key().startsWith(e.getKey())).findFirst().orElseThrow();
            Method method = method(prefix.getValue(), row.key().substring(prefix.getKey().length()));
            WithDefault declared = method.getAnnotation(WithDefault.class);
            if (method.getReturnType() == Optional.class) {
                assertEquals("", row.defaultValue(), "an optional property without default is shown as empty: " + row.key());
            } else {
                assertNotNull(declared, row.key());
                assertEquals(declared.value(), row.defaultValue(), row.key());
            }
            assertEquals(row.defaultValue(), row.value(), "built from defaults, value = default: " + row.key());
        }
    }

    /** Every setting the API can override lists the value in force, not the property it started with. */
    @Test
    void overridableSettingsShowTheValueInForce() {
        ListenerSettings listen = defaults(ListenerSettings.class);
        SessionSettings session = defaults(SessionSettings.class);
        GatewaySettings properties = inForce(defaults(PoolSettings.class), listen, session);
        GatewaySettings overridden = properties.withOverrides(new SettingsConfig(Duration.ofSeconds(7), Duration.ofSeconds(3),
                Duration.ofSeconds(4), Duration.ofSeconds(5), Duration.ofSeconds(1234), Duration.ofMillis(1500),
                Duration.ofSeconds(6), "SELECT 2", Duration.ofSeconds(45), Duration.ofSeconds(8), Duration.ofSeconds(90),
                Duration.ofSeconds(9), Duration.ofSeconds(11), 250, 17));
        Map<String, String> shown = new java.util.HashMap<>();
        ConfigListing.of(listen, overridden, session, defaults(ShutdownSettings.class), defaults(AdminSettings.class))
                .forEach(row -> shown.put(row.key(), row.value()));
        assertEquals("7s", shown.get("portcullis.pool.query-wait-timeout"));
        assertEquals("3s", shown.get("portcullis.pool.server-connect-timeout"));
        assertEquals("4s", shown.get("portcullis.pool.server-login-timeout"));
        assertEquals("5s", shown.get("portcullis.pool.server-idle-timeout"));
        assertEquals("1234s", shown.get("portcullis.pool.server-lifetime"));
        assertEquals("1500ms", shown.get("portcullis.pool.reserve-pool-timeout"));
        assertEquals("6s", shown.get("portcullis.pool.server-reset-timeout"));
        assertEquals("SELECT 2", shown.get("portcullis.pool.server-check-query"));
        assertEquals("45s", shown.get("portcullis.pool.server-check-delay"));
        assertEquals("8s", shown.get("portcullis.listen.client-login-timeout"));
        assertEquals("90s", shown.get("portcullis.session.client-idle-timeout"));
        assertEquals("9s", shown.get("portcullis.session.idle-transaction-timeout"));
        assertEquals("11s", shown.get("portcullis.session.query-timeout"));
        assertEquals("250", shown.get("portcullis.listen.max-client-connections"));
        assertEquals("17", shown.get("portcullis.pool.max-prepared-statements"));
    }

    /** What {@code proxy.SettingDefaults} builds from the properties. */
    private static GatewaySettings inForce(PoolSettings pool, ListenerSettings listen, SessionSettings session) {
        return new GatewaySettings(pool.queryWaitTimeout(), pool.serverConnectTimeout(), pool.serverLoginTimeout(),
                pool.serverIdleTimeout(), pool.serverLifetime(), pool.reservePoolTimeout(), pool.serverResetTimeout(),
                pool.serverCheckQuery().orElse(""), pool.serverCheckDelay(), listen.clientLoginTimeout(),
                session.clientIdleTimeout(), session.idleTransactionTimeout(), session.queryTimeout(),
                listen.maxClientConnections(), pool.maxPreparedStatements());
    }

    @Test
    void durationsAreWrittenAsThePropertiesAcceptThem() {
        assertEquals("120s", ConfigListing.text(Duration.ofMinutes(2)));
        assertEquals("1500ms", ConfigListing.text(Duration.ofMillis(1500)));
    }

    private static Method method(Class<?> type, String kebab) {
        for (Method m : type.getMethods()) {
            if (m.getName().replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase().equals(kebab)) {
                return m;
            }
        }
        throw new AssertionError("no " + kebab + " in " + type.getSimpleName());
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
                String v = d.value();
                return v.endsWith("ms") ? Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)))
                        : v.endsWith("d") ? Duration.ofDays(Long.parseLong(v.substring(0, v.length() - 1)))
                        : Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
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
