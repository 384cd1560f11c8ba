package io.portcullis.migrate;

/**
 * One {@code key = value} line of a {@code pgbouncer.ini} (or of a file it includes), with where it
 * came from so that every report can point at the line.
 *
 * @param file    the file name as the operator knows it ({@code pgbouncer.ini}, or the included path)
 * @param line    1-based line number in {@code file}
 * @param section the section the line is in, without brackets; empty before the first section
 * @param key     the setting or database name, unquoted
 * @param value   everything after {@code =}, trailing blanks removed
 */
public record IniEntry(String file, int line, String section, String key, String value) {
}
