package io.portcullis.config;

import java.util.Objects;
import java.util.function.Function;

/**
 * The process-wide settings in force: for each {@link Setting} the override stored through the API
 * ({@link SettingsConfig}) if there is one, else the application property's value (the defaults).
 * {@link LiveSettings} keeps the current instance; pools and sessions read it at each use
 * ({@code live.current().get(RuntimeSettings.QUERY_TIMEOUT)}), so a change applies to the next connection
 * lent, login or timeout check without a restart. Immutable.
 *
 * <p>Nothing here names a setting: adding one is a descriptor in {@link RuntimeSettings}.
 */
public final class GatewaySettings extends SettingTable {

    /** @param values by {@link Setting#index()}; none null */
    private GatewaySettings(Object[] values) {
        super(values);
    }

    /** Every setting with the value {@code value} gives it (non-null, of the setting's type). */
    public static GatewaySettings of(Function<Setting<?>, Object> value) {
        Object[] values = new Object[RuntimeSettings.ALL.size()];
        for (Setting<?> s : RuntimeSettings.ALL) {
            values[s.index()] = s.type().cast(Objects.requireNonNull(value.apply(s), s.name()));
        }
        return new GatewaySettings(values);
    }

    /** The built-in defaults of the descriptors, as if no property were set. */
    public static GatewaySettings builtIn() {
        return of(Setting::defaultValue);
    }

    /** These values with every setting {@code stored} sets replacing its counterpart. */
    public GatewaySettings withOverrides(SettingsConfig stored) {
        Object[] merged = values.clone();
        for (Setting<?> s : RuntimeSettings.ALL) {
            Object override = stored.get(s);
            if (override != null) {
                merged[s.index()] = override;
            }
        }
        return new GatewaySettings(merged);
    }
}
