package io.portcullis.config;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A value, or none, for each {@link RuntimeSettings} descriptor, kept by {@link Setting#index()}: the shape
 * {@link GatewaySettings} (every value) and {@link SettingsConfig} (the overrides set) share. Immutable.
 */
abstract class SettingTable {

    /** By {@link Setting#index()}; null = no value. Never changed after construction. */
    final Object[] values;

    SettingTable(Object[] values) {
        this.values = values;
    }

    /**
     * The value of {@code setting}: in {@link GatewaySettings} the one in force, in {@link SettingsConfig} the stored
     * override or null when the property applies.
     */
    public final <T> T get(Setting<T> setting) {
        return setting.type().cast(values[setting.index()]);
    }

    /** The values present as JSON carries them ({@code "30s"}, {@code 200}), by API name, in catalog order. */
    public final Map<String, Object> asJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        for (Setting<?> s : RuntimeSettings.ALL) {
            Object value = values[s.index()];
            if (value != null) {
                json.put(s.name(), s.json(value));
            }
        }
        return json;
    }

    @Override
    public final boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && Arrays.equals(values, ((SettingTable) o).values);
    }

    @Override
    public final int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public final String toString() {
        return getClass().getSimpleName() + asJson();
    }
}
