/**
 * Log hygiene shared by every package: {@link io.portcullis.log.LogText} makes a string someone else chose
 * (a user name from a startup packet, a database name, {@code application_name}, a certificate subject, a
 * token name, a file path from an import, a backend's error text) safe to put into a log line, so that it
 * can neither start a line of its own nor hide the rest of one.
 *
 * <p>A package of its own because every other package logs such strings and most of them ({@code wire},
 * {@code config}, {@code net}) may use nothing of ours; a leaf package with no dependencies can be used by
 * all of them without a cycle or a widened rule.
 *
 * <p>May use: nothing of ours. Every package may use it.
 */
package io.portcullis.log;
