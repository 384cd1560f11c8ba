/**
 * The configuration: an immutable model ({@link io.portcullis.config.GatewayConfig} and its records),
 * its validation, the {@link io.portcullis.config.ConfigStore} that persists it (an embedded JSON file
 * by default) and the one change event published after every stored write. Also the sealing of
 * backend secrets at rest ({@link io.portcullis.config.SecretBox}), and the process-wide settings in force
 * ({@link io.portcullis.config.LiveSettings}: stored overrides over the application property defaults).
 *
 * <p>May use: nothing of ours. Everything else reads configuration through this package.
 */
package io.portcullis.config;
