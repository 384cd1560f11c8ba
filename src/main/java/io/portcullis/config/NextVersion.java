package io.portcullis.config;

import java.util.function.UnaryOperator;

/** The step every store takes before it writes: apply a change to the newest version, number it, validate it. */
final class NextVersion {

    private NextVersion() {
    }

    /**
     * @return {@code change} applied to {@code before}, numbered one above it and valid
     * @throws ConfigException when the result is invalid
     */
    static GatewayConfig of(GatewayConfig before, UnaryOperator<GatewayConfig> change) {
        GatewayConfig changed = change.apply(before);
        if (changed == null) {
            throw new IllegalStateException("a configuration change returned no configuration");
        }
        GatewayConfig after = changed.withVersion(before.version() + 1);
        ConfigValidator.validate(after);
        return after;
    }
}
