package io.portcullis.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The application properties as the settings' defaults: read by name, checked, and misspellings refused. */
class LiveSettingsProducerTest {

    private static SmallRyeConfig config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(properties, "test", 500)).build();
    }

    @Test
    void propertiesGiveTheDefaultsAndUnsetOnesKeepTheDescriptors() {
        GatewaySettings settings = LiveSettingsProducer.fromProperties(config(Map.of(
                "portcullis.pool.query-wait-timeout", "30", "portcullis.session.query-timeout", "1.5s")));
        assertEquals(Duration.ofSeconds(30), settings.get(RuntimeSettings.QUERY_WAIT_TIMEOUT));
        assertEquals(Duration.ofMillis(1500), settings.get(RuntimeSettings.QUERY_TIMEOUT));
        assertEquals(RuntimeSettings.SERVER_LIFETIME.defaultValue(), settings.get(RuntimeSettings.SERVER_LIFETIME));
    }

    @Test
    void aValueOutOfBoundsStopsTheStartNamingTheProperty() {
        ConfigException e = assertThrows(ConfigException.class, () -> LiveSettingsProducer.fromProperties(config(Map.of(
                "portcullis.pool.server-connect-timeout", "0s"))));
        assertTrue(e.getMessage().contains("portcullis.pool.server-connect-timeout"), e.getMessage());
    }

    @Test
    void aMisspeltPoolPropertyStopsTheStart() {
        ConfigException e = assertThrows(ConfigException.class, () -> LiveSettingsProducer.fromProperties(config(Map.of(
                "portcullis.pool.query-wait-timout", "5s"))));
        assertTrue(e.getMessage().contains("portcullis.pool.query-wait-timout is not a setting"), e.getMessage());
        assertTrue(e.getMessage().contains("portcullis.pool.query-wait-timeout"), e.getMessage());
    }
}
