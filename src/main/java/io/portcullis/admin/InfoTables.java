package io.portcullis.admin;

import java.util.List;

import static io.portcullis.wire.FieldDescription.text;

/** {@code SHOW CONFIG} and {@code SHOW VERSION}. */
final class InfoTables {

    /** The PgBouncer release whose admin console columns Portcullis reproduces. */
    static final String PGBOUNCER_COMPATIBLE = "1.25.1";

    private InfoTables() {
    }

    static ResultTable config(List<ConfigListing.Setting> settings) {
        ResultTable table = new ResultTable(text("key"), text("value"), text("default"), text("changeable"));
        for (ConfigListing.Setting s : settings) {
            table.row(s.key(), s.value(), s.defaultValue(), "no");
        }
        return table;
    }

    /**
     * Starts with {@code PgBouncer 1.25.1} because monitoring tools pick their column set by matching
     * that text; says what is really answering right after.
     */
    static ResultTable version(String portcullisVersion) {
        return new ResultTable(text("version")).row(versionText(portcullisVersion));
    }

    static String versionText(String portcullisVersion) {
        return "PgBouncer " + PGBOUNCER_COMPATIBLE + " compatible (Portcullis " + portcullisVersion + ")";
    }
}
