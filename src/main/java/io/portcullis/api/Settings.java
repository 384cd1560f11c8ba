package io.portcullis.api;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.config.ConfigException;
import io.portcullis.config.GatewaySettings;
import io.portcullis.config.RuntimeSettings;
import io.portcullis.config.Setting;
import io.portcullis.config.SettingsConfig;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /api/v1/settings}, read and written. The top-level fields are the overrides stored through the API, one
 * per {@link RuntimeSettings} descriptor under its {@link Setting#name() name}; {@code null} (or left out) means
 * the application property applies. A {@code PUT} replaces every override at once, so read, change and send back
 * (with {@code If-Match}) to change one; {@code effective} and {@code defaults} are shown on reads and refused on
 * writes ({@link ReadOnlyFields}).
 *
 * <p>Nothing here names a setting: the fields come from the descriptors, and so does the OpenAPI schema
 * ({@link SettingsSchema}). Durations are strings, for example {@code "30s"}, {@code "500ms"}, {@code "5m"},
 * {@code "30"} (seconds) or ISO-8601 {@code "PT30S"}.
 */
@Schema(name = "Settings")
public final class Settings {

    /** Every setting by name, null where no override is stored (reads); or what a write sent. */
    private final Map<String, Object> overrides = new LinkedHashMap<>();
    /** What a write sent, checked; not a JSON property (hidden, or SmallRye would document it as a schema). */
    @Schema(hidden = true)
    private SettingsConfig sent = SettingsConfig.UNSET;
    private Map<String, Object> effective;
    private Map<String, Object> defaults;

    /** For Jackson: a request body. */
    Settings() {
    }

    static Settings of(SettingsConfig stored, GatewaySettings effective, GatewaySettings defaults) {
        Settings view = new Settings();
        Map<String, Object> set = stored.asJson();
        for (String name : RuntimeSettings.names()) {
            view.overrides.put(name, set.get(name));
        }
        view.effective = effective.asJson();
        view.defaults = defaults.asJson();
        return view;
    }

    @JsonProperty("effective")
    Map<String, Object> effective() {
        return effective;
    }

    /** Read-only: kept only to refuse it by name ({@link #toConfig}). */
    @JsonProperty("effective")
    void effective(Map<String, Object> sent) {
        effective = sent;
    }

    @JsonProperty("defaults")
    Map<String, Object> defaults() {
        return defaults;
    }

    /** Read-only: kept only to refuse it by name ({@link #toConfig}). */
    @JsonProperty("defaults")
    void defaults(Map<String, Object> sent) {
        defaults = sent;
    }

    @JsonAnyGetter
    Map<String, Object> overrides() {
        return overrides;
    }

    /** One field of a request body: a setting's override, read as its descriptor says. */
    @JsonAnySetter
    void set(String name, JsonNode value) {
        Setting<?> setting = RuntimeSettings.byName(name).orElseThrow(() -> new ConfigException("unknown field '" + name
                + "'; the settings are " + String.join(", ", RuntimeSettings.names())));
        sent = with(sent, setting, SettingsConfig.readJson(setting, value, name));
        overrides.put(name, value);
    }

    private static <T> SettingsConfig with(SettingsConfig config, Setting<T> setting, Object value) {
        return config.with(setting, setting.type().cast(value));
    }

    /**
     * The overrides to store. Ranges are checked by the store's validator.
     *
     * @throws ApiProblem 400 when {@code effective} or {@code defaults} was sent
     */
    SettingsConfig toConfig() {
        String advice = "send only the overrides (the top-level fields)";
        ReadOnlyFields.refuse("effective", effective, advice);
        ReadOnlyFields.refuse("defaults", defaults, advice);
        return sent;
    }
}
