/**
 * Health checks and metrics. Reads cached state only; never blocks an event loop or dials a backend
 * per probe.
 *
 * <p>May use: everything, read-only.
 */
package io.portcullis.observe;
