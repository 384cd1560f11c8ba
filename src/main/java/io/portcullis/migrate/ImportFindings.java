package io.portcullis.migrate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects what an import could not map, in file and line order. Not thread-safe: one per import. */
final class ImportFindings {

    /** File and line order; a whole-file finding (line 0) first in its file. */
    static final Comparator<UnmappedLine> ORDER = Comparator.comparing(UnmappedLine::file)
            .thenComparingInt(UnmappedLine::line);

    private final List<UnmappedLine> lines = new ArrayList<>();

    /** The whole entry: its key and (secret-safe) value. */
    void unmapped(IniEntry entry, String reason) {
        unmapped(entry, entry.key(), ConnectionString.shown(entry.key(), entry.value()), reason);
    }

    /** One connection parameter of an entry; a secret parameter's value is hidden. */
    void parameter(IniEntry entry, String key, String value, String reason) {
        unmapped(entry, key, ConnectionString.shown(key, value), reason);
    }

    void unmapped(IniEntry entry, String key, String value, String reason) {
        lines.add(new UnmappedLine(entry.file(), entry.line(), key, value, reason));
    }

    /** A finding about a whole file, or about a default no line sets: line 0. */
    void wholeFile(String file, String key, String value, String reason) {
        lines.add(new UnmappedLine(file, 0, key, value, reason));
    }

    /** A userlist line; its secret is never shown. */
    void unmapped(UserlistEntry entry, String reason) {
        lines.add(new UnmappedLine(entry.file(), entry.line(), entry.user(), null, reason));
    }

    List<UnmappedLine> sorted() {
        return lines.stream().sorted(ORDER).toList();
    }
}
