package io.portcullis.config;

/**
 * What {@code config.json} holds: the snapshot plus the file format it is written in, so a later
 * Portcullis can migrate an older file and an older one refuses a newer file instead of misreading it.
 */
record ConfigDocument(int format, GatewayConfig config) {
    static final int CURRENT_FORMAT = 1;
}
