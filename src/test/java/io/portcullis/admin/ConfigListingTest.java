package io.portcullis.admin;

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
        List<ConfigListing.Setting> rows = ConfigListing.of(defaults(ListenerSettings.class), defaults(PoolSettings.class),
                defaults(SessionSettings.class), defaults(ShutdownSettings.class), defaults(AdminSettings.class));
        assertEquals(15, rows.size());
        for (ConfigListing.Setting row : rows) {
            Map.Entry<String, Class<?>> prefix = PREFIXES.entrySet().stream()
                    .filter(e -> row.key().startsWith(e.getKey())).findFirst().orElseThrow();
            Method method = method(prefix.getValue(), row.key().substring(prefix.getKey().length()));
            WithDefault declared = method.getAnnotation(WithDefault.class);
            assertNotNull(declared, row.key());
            assertEquals(declared.value(), row.defaultValue(), row.key());
            assertEquals(row.defaultValue(), row.value(), "built from defaults, value = default: " + row.key());
        }
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
