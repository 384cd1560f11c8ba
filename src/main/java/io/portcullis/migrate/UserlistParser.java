package io.portcullis.migrate;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads PgBouncer's {@code auth_file} ({@code userlist.txt}) the way PgBouncer does:
 * <pre>
 * "user" "password, md5 hash or SCRAM verifier" anything else is ignored
 * </pre>
 * Both fields are in double quotes, {@code ""} inside a field stands for one quote, whatever lies
 * between and after the fields is ignored, and only {@code ;} starts a comment line. PgBouncer
 * stops reading at the first line it cannot read (the users after it silently vanish); here such
 * a line is an error naming the line, so nothing is half-imported.
 */
public final class UserlistParser {

    /** The longest field accepted; PgBouncer's own limit on a stored secret. */
    public static final int MAX_FIELD_LENGTH = 65_531;

    private UserlistParser() {
    }

    /**
     * @param file the name reports use for this text
     * @throws PgBouncerSyntaxException at the first line PgBouncer could not read; the message never
     *                                  quotes the line
     */
    public static List<UserlistEntry> parse(String file, String text) {
        List<UserlistEntry> entries = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            LineLexer line = new LineLexer(lines[i]).skipBlanks();
            int lineNo = i + 1;
            if (line.atEnd() || line.at(';')) {
                continue;
            }
            if (!line.at('"')) {
                throw new PgBouncerSyntaxException(file, lineNo, line.at('#')
                        ? "'#' does not start a comment in a userlist (PgBouncer stops reading the file here); use ';'"
                        : "expected \"user name\" \"password\" with both fields in double quotes");
            }
            String user = line.quoted(true);
            if (user == null) {
                throw new PgBouncerSyntaxException(file, lineNo, "the user name needs a closing double quote");
            }
            if (line.until('"') == null) {
                throw new PgBouncerSyntaxException(file, lineNo,
                        "expected a password in double quotes after the user name '" + user + "'");
            }
            String secret = line.quoted(true);
            if (secret == null) {
                throw new PgBouncerSyntaxException(file, lineNo,
                        "the password of '" + user + "' needs a closing double quote");
            }
            if (user.length() > MAX_FIELD_LENGTH || secret.length() > MAX_FIELD_LENGTH) {
                throw new PgBouncerSyntaxException(file, lineNo, "a field is longer than " + MAX_FIELD_LENGTH + " characters");
            }
            entries.add(new UserlistEntry(file, lineNo, user, secret));
        }
        return entries;
    }
}
