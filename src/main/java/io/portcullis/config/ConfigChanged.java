package io.portcullis.config;

/** Published (as a CDI event) once after every stored write, with the snapshots before and after. */
public record ConfigChanged(GatewayConfig before, GatewayConfig after) {
}
