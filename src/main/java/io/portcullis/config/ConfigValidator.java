package io.portcullis.config;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a whole {@link GatewayConfig} before it is stored or applied, so no component ever sees
 * an invalid snapshot. Messages name the resource and the field and say what is allowed, e.g.
 * {@code database 'orders': port must be between 1 and 65535, not 70000}.
 *
 * <p>References are strict: every database a user lists must exist. A typo in a user's list is
 * caught when it is written instead of surfacing later as a refused login, and deleting a database
 * that users still list is refused (the API answers 409) rather than leaving rights that would
 * silently come back if a database of that name were created again.
 */
public final class ConfigValidator {

    /** PostgreSQL truncates identifiers at NAMEDATALEN - 1 = 63 bytes; longer names could not round-trip. */
    public static final int MAX_NAME_LENGTH = 63;
    /** DNS names are at most 253 characters. */
    public static final int MAX_HOST_LENGTH = 253;
    public static final int MAX_POOL_SIZE = 10_000;
    /** Backend addresses per database; a failover list longer than this is a mistake. */
    public static final int MAX_HOSTS = 32;
    public static final int MAX_DB_CONNECTIONS = 100_000;
    public static final int MAX_DATABASES = 10_000;
    public static final int MAX_USERS = 10_000;
    public static final int MAX_TOKENS = 1_000;
    /** The name PgBouncer-compatible tools use for the admin console; it cannot be a database. */
    public static final String ADMIN_CONSOLE_DATABASE = "pgbouncer";
    /** Errors listed in one message; the rest are counted. */
    private static final int MAX_REPORTED_ERRORS = 10;

    private static final Pattern DATABASE_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,63}");
    private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9_.@+-]{1,63}");
    private static final Pattern TOKEN_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,63}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:%\\[\\]-]{1,253}");
    private static final Pattern SCRAM_VERIFIER = Pattern.compile(
            "SCRAM-SHA-256\\$[1-9][0-9]{0,8}:[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+");
    private static final Pattern MD5_HASH = Pattern.compile("md5[0-9a-f]{32}");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    /** A PEM bundle of this size holds hundreds of certificates; more is a mistake. */
    public static final int MAX_SERVER_PEM_CHARS = 256 * 1024;
    private static final String PEM_CERTIFICATE = "-----BEGIN CERTIFICATE-----";
    /** The client TLS modes (the tls package owns their meaning; config only checks the spelling). */
    public static final List<String> TLS_MODES = List.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");
    /** TLS 1.2+ only (security checklist). */
    public static final List<String> TLS_PROTOCOLS = List.of("TLSv1.2", "TLSv1.3");
    /** Far above any real cipher list. */
    public static final int MAX_CIPHERS = 100;
    /** A client CA bundle of this size holds hundreds of certificates; more is a mistake. */
    public static final int MAX_CLIENT_CA_PEM_CHARS = 256 * 1024;
    /** Clients served at once, gateway-wide or per user; far above what one process holds (~36 KiB each). */
    public static final int MAX_CLIENT_CONNECTIONS = 1_000_000;
    /** Statements a server connection may cache: each holds a backend plan, so a sane ceiling. */
    public static final int MAX_PREPARED_STATEMENTS = 100_000;
    /** A check query is a trivial statement; this leaves room for a comment. */
    public static final int MAX_CHECK_QUERY_LENGTH = 1024;
    /** Why a database is out of service: a sentence or two, written by the import. */
    public static final int MAX_DISABLED_REASON_LENGTH = 1024;
    private static final Pattern CIPHER_NAME = Pattern.compile("[A-Za-z0-9_]{1,100}");
    /** A DNS host name as SNI carries it (RFC 6066: no IP addresses, no trailing dot), lower case. */
    private static final Pattern SERVER_NAME = Pattern.compile(
            "(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    /** TLS server names one database may list. */
    public static final int MAX_SNI_HOSTNAMES = 32;
    private static final Pattern SHA256_FINGERPRINT = Pattern.compile("([0-9A-F]{2}:){31}[0-9A-F]{2}");

    private ConfigValidator() {
    }

    /** @throws ConfigException listing every problem found (up to ten) */
    public static void validate(GatewayConfig config) {
        List<String> errors = new ArrayList<>();
        checkCount(errors, "databases", config.databases().size(), MAX_DATABASES);
        checkCount(errors, "users", config.users().size(), MAX_USERS);
        checkCount(errors, "tokens", config.tokens().size(), MAX_TOKENS);
        for (Map.Entry<String, DatabaseConfig> e : config.databases().entrySet()) {
            checkDatabase(errors, e.getKey(), e.getValue());
        }
        for (Map.Entry<String, UserConfig> e : config.users().entrySet()) {
            checkUser(errors, e.getKey(), e.getValue(), config.databases().keySet());
        }
        checkTokens(errors, config.tokens());
        checkRevokedBootstrapTokens(errors, config.revokedBootstrapTokens());
        checkServerNames(errors, config);
        for (Map.Entry<String, PoolHold> hold : config.holds().entrySet()) {
            if (!config.databases().containsKey(hold.getKey())) {
                errors.add("holds: '" + hold.getKey() + "' is not a database");
            } else if (hold.getValue() == null) {
                errors.add("holds: '" + hold.getKey() + "' holds nothing (null)");
            }
        }
        checkTls(errors, config.tls());
        checkSettings(errors, config.settings());
        if (!errors.isEmpty()) {
            throw new ConfigException(summary(errors));
        }
    }

    private static void checkDatabase(List<String> errors, String key, DatabaseConfig db) {
        String where = "database '" + key + "': ";
        if (db == null) {
            errors.add(where + "has no settings");
            return;
        }
        if (!key.equals(db.name())) {
            errors.add(where + "is stored under another name ('" + db.name() + "')");
        }
        if (!DATABASE_NAME.matcher(key).matches()) {
            errors.add("database name '" + key + "' must be 1 to " + MAX_NAME_LENGTH
                    + " characters of A-Z, a-z, 0-9, '_', '.' and '-'");
        }
        if (ADMIN_CONSOLE_DATABASE.equalsIgnoreCase(key)) {
            errors.add("database name '" + key + "' is reserved for the admin console");
        }
        if (db.host() == null || db.host().isBlank()) {
            errors.add(where + "host is required");
        } else if (!HOST.matcher(db.host()).matches()) {
            errors.add(where + "host must be a DNS name or IP address of at most " + MAX_HOST_LENGTH
                    + " characters, not '" + db.host() + "'");
        }
        checkRange(errors, where, "port", db.port(), 1, 65_535);
        checkIdentifier(errors, where, "dbname", db.dbname());
        if (db.disabled()) {
            checkDisabled(errors, where, db);
        } else if (db.user() != null || db.authLookup() == null) { // without one, only users looked up log in
            checkIdentifier(errors, where, "user", db.user());
        }
        if (db.user() == null && db.hasPassword()) {
            errors.add(where + "a password needs the user it belongs to");
        }
        if (db.authLookup() != null) {
            checkAuthLookup(errors, where, db.authLookup());
        }
        if (db.hasPassword() && !db.sealedPassword().startsWith(SecretBox.PREFIX)
                && !db.sealedPassword().startsWith(SecretBox.UNBOUND_PREFIX)) {
            errors.add(where + "the password is not sealed (expected the prefix " + SecretBox.PREFIX + ")");
        }
        if (db.serverTls() == null) {
            errors.add(where + "serverTls is required");
        } else {
            checkServerTls(errors, where, db);
        }
        if (db.poolMode() == null) {
            errors.add(where + "poolMode is required");
        }
        checkRange(errors, where, "poolSize", db.poolSize(), 1, MAX_POOL_SIZE);
        checkRange(errors, where, "minPoolSize", db.minPoolSize(), 0, MAX_POOL_SIZE);
        if (db.minPoolSize() > db.poolSize() && db.poolSize() >= 1) {
            errors.add(where + "minPoolSize (" + db.minPoolSize() + ") must not exceed poolSize ("
                    + db.poolSize() + ")");
        }
        checkRange(errors, where, "reservePoolSize", db.reservePoolSize(), 0, MAX_POOL_SIZE);
        checkRange(errors, where, "maxDbConnections", db.maxDbConnections(), 0, MAX_DB_CONNECTIONS);
        checkHosts(errors, where, db);
    }

    /**
     * The host list: each entry {@code host:port} with a valid host and port, no address twice, the first entry
     * equal to {@code host}:{@code port} (what readers of one address show), at most {@value #MAX_HOSTS}.
     */
    private static void checkHosts(List<String> errors, String where, DatabaseConfig db) {
        List<String> hosts = db.hosts();
        if (hosts.isEmpty()) {
            return;
        }
        if (hosts.size() > MAX_HOSTS) {
            errors.add(where + "hosts lists " + hosts.size() + " addresses; at most " + MAX_HOSTS + " are allowed");
            return;
        }
        List<BackendHost> parsed = new ArrayList<>();
        for (String entry : hosts) {
            BackendHost h;
            try {
                h = BackendHost.parse(entry, null);
            } catch (ConfigException e) {
                errors.add(where + e.getMessage());
                continue;
            }
            if (!HOST.matcher(h.host()).matches()) {
                errors.add(where + "hosts entry '" + entry + "': the host must be a DNS name or IP address of at most "
                        + MAX_HOST_LENGTH + " characters");
                continue;
            }
            if (parsed.stream().anyMatch(h::sameAs)) {
                errors.add(where + "hosts lists " + h + " twice");
            }
            parsed.add(h);
        }
        if (!parsed.isEmpty() && db.host() != null && !parsed.get(0).sameAs(new BackendHost(db.host(), db.port()))) {
            errors.add(where + "host and port (" + new BackendHost(db.host(), db.port()) + ") must be the first entry of "
                    + "hosts (" + hosts.get(0) + ")");
        }
    }

    /**
     * The backend TLS material: present only where the mode uses it (nothing accepted and ignored), PEM
     * certificates where certificates belong (the API and the import parse them fully; this is the check of
     * last resort for a hand-edited store), a client key only with its certificate and only sealed.
     */
    private static void checkServerTls(List<String> errors, String where, DatabaseConfig db) {
        ServerTls mode = db.serverTls();
        if (db.serverCa() != null) {
            checkPemCertificates(errors, where, "serverCa", db.serverCa());
            if (mode != ServerTls.REQUIRE && !mode.verifiesChain()) {
                errors.add(where + "serverCa is used only with serverTls require, verify-ca or verify-full, not "
                        + mode.wireName());
            }
        }
        if (db.serverCertificate() != null) {
            checkPemCertificates(errors, where, "serverCertificate", db.serverCertificate());
            if (!mode.requestsTls()) {
                errors.add(where + "serverCertificate needs serverTls prefer, require, verify-ca or verify-full, not disable");
            }
            if (!db.hasServerKey()) {
                errors.add(where + "serverCertificate needs its private key (serverKey)");
            }
        }
        if (db.sealedServerKey() != null) {
            if (!db.sealedServerKey().startsWith(SecretBox.PREFIX)) {
                errors.add(where + "serverKey is not sealed (expected the prefix " + SecretBox.PREFIX + ")");
            }
            if (db.serverCertificate() == null) {
                errors.add(where + "serverKey needs the certificate it belongs to (serverCertificate)");
            }
        }
    }

    private static void checkPemCertificates(List<String> errors, String where, String field, String pem) {
        if (pem.length() > MAX_SERVER_PEM_CHARS) {
            errors.add(where + field + " must be at most " + MAX_SERVER_PEM_CHARS + " characters");
        } else if (!pem.contains(PEM_CERTIFICATE)) {
            errors.add(where + field + " holds no '" + PEM_CERTIFICATE + "' block");
        }
    }

    private static void checkUser(List<String> errors, String key, UserConfig user, Set<String> databases) {
        String where = "user '" + key + "': ";
        if (user == null) {
            errors.add(where + "has no settings");
            return;
        }
        if (!key.equals(user.name())) {
            errors.add(where + "is stored under another name ('" + user.name() + "')");
        }
        if (!USER_NAME.matcher(key).matches()) {
            errors.add("user name '" + key + "' must be 1 to " + MAX_NAME_LENGTH
                    + " characters of A-Z, a-z, 0-9, '_', '.', '@', '+' and '-'");
        }
        if (user.auth() == null) {
            errors.add(where + "auth is required");
        } else {
            switch (user.auth()) {
                case SCRAM_SHA_256 -> {
                    if (user.scramVerifier() == null || !SCRAM_VERIFIER.matcher(user.scramVerifier()).matches()) {
                        errors.add(where + "auth scram-sha-256 needs a password (no valid SCRAM verifier is stored)");
                    }
                }
                case MD5 -> {
                    if (user.md5Hash() == null || !MD5_HASH.matcher(user.md5Hash()).matches()) {
                        errors.add(where + "auth md5 needs a password (no valid md5 hash is stored)");
                    }
                }
                case CERT -> {
                    // The client certificate's common name is the credential.
                }
            }
        }
        checkRange(errors, where, "maxClientConnections", user.maxClientConnections(), 0, MAX_CLIENT_CONNECTIONS);
        checkRange(errors, where, "maxUserConnections", user.maxUserConnections(), 0, MAX_DB_CONNECTIONS);
        Set<String> seen = new HashSet<>();
        for (String db : user.databases()) {
            if (db == null || !seen.add(db)) {
                errors.add(where + "databases lists " + (db == null ? "null" : "'" + db + "' twice"));
            } else if (!databases.contains(db)) {
                errors.add(where + "databases lists '" + db + "', which does not exist");
            }
        }
    }

    private static void checkRevokedBootstrapTokens(List<String> errors, List<String> hashes) {
        checkCount(errors, "revokedBootstrapTokens", hashes.size(), GatewayConfig.MAX_REVOKED_BOOTSTRAP_TOKENS);
        for (String hash : hashes) {
            if (hash == null || !SHA256_HEX.matcher(hash).matches()) {
                errors.add("revokedBootstrapTokens: an entry is not 64 lower-case hex digits");
            }
        }
    }

    private static void checkTokens(List<String> errors, List<ApiToken> tokens) {
        Set<String> names = new HashSet<>();
        for (ApiToken token : tokens) {
            if (token == null) {
                errors.add("tokens: an entry is empty");
                continue;
            }
            String where = "token '" + token.name() + "': ";
            if (token.name() == null || !TOKEN_NAME.matcher(token.name()).matches()) {
                errors.add("token name '" + token.name() + "' must be 1 to " + MAX_NAME_LENGTH
                        + " characters of A-Z, a-z, 0-9, '_', '.' and '-'");
            } else if (!names.add(token.name())) {
                errors.add(where + "the name is used twice");
            }
            if (!ApiToken.ADMIN.equals(token.role()) && !ApiToken.VIEWER.equals(token.role())) {
                errors.add(where + "role must be one of admin, viewer, not '" + token.role() + "'");
            }
            if (token.sha256Hex() == null || !SHA256_HEX.matcher(token.sha256Hex()).matches()) {
                errors.add(where + "sha256Hex must be 64 lower-case hex digits");
            }
        }
    }

    /** Named certificates a store may hold: each is a TLS context the listener builds and keeps. */
    static final int MAX_NAMED_CERTIFICATES = 100;

    private static void checkTls(List<String> errors, TlsConfig tls) {
        String where = "tls: ";
        if (tls.mode() != null && !TLS_MODES.contains(tls.mode())) {
            errors.add(where + "mode must be one of " + String.join(", ", TLS_MODES) + ", not '" + tls.mode() + "'");
        }
        Set<String> seen = new HashSet<>();
        for (String protocol : tls.protocols()) {
            if (!TLS_PROTOCOLS.contains(protocol)) {
                errors.add(where + "protocols may list only " + String.join(" and ", TLS_PROTOCOLS) + ", not '" + protocol + "'");
            } else if (!seen.add(protocol)) {
                errors.add(where + "protocols lists '" + protocol + "' twice");
            }
        }
        if (tls.ciphers() != null) {
            if (tls.ciphers().size() > MAX_CIPHERS) {
                errors.add(where + "at most " + MAX_CIPHERS + " ciphers can be listed, not " + tls.ciphers().size());
            }
            for (String cipher : tls.ciphers()) {
                if (cipher == null || !CIPHER_NAME.matcher(cipher).matches()) {
                    errors.add(where + "ciphers lists '" + cipher + "', which is not a cipher suite name such as TLS_AES_128_GCM_SHA256");
                }
            }
        }
        if (tls.clientCaPem() != null) {
            if (tls.clientCaPem().length() > MAX_CLIENT_CA_PEM_CHARS) {
                errors.add(where + "clientCaPem must be at most " + MAX_CLIENT_CA_PEM_CHARS + " characters");
            } else if (!tls.clientCaPem().contains("-----BEGIN CERTIFICATE-----")) {
                errors.add(where + "clientCaPem holds no '-----BEGIN CERTIFICATE-----' block");
            }
        }
        if (tls.certificateSha256() != null && !SHA256_FINGERPRINT.matcher(tls.certificateSha256()).matches()) {
            errors.add(where + "certificateSha256 must be 32 upper-case hex pairs joined by ':'");
        }
        if (tls.certificateChainPem() != null) {
            if (tls.certificateChainPem().length() > MAX_CLIENT_CA_PEM_CHARS) {
                errors.add(where + "certificateChainPem must be at most " + MAX_CLIENT_CA_PEM_CHARS + " characters");
            } else if (!tls.certificateChainPem().contains("-----BEGIN CERTIFICATE-----")) {
                errors.add(where + "certificateChainPem holds no '-----BEGIN CERTIFICATE-----' block");
            }
        }
        if ((tls.certificateChainPem() == null) != (tls.sealedCertificateKey() == null)
                || (tls.certificateChainPem() != null && tls.certificateSha256() == null)) {
            errors.add(where + "certificateChainPem, sealedCertificateKey and certificateSha256 are stored together");
        }
        checkSealed(errors, where + "sealedCertificateKey", tls.sealedCertificateKey());
        checkSealed(errors, where + "sealedPendingKey", tls.sealedPendingKey());
        if (tls.namedCertificates().size() > MAX_NAMED_CERTIFICATES) {
            errors.add(where + "at most " + MAX_NAMED_CERTIFICATES + " named certificates, not " + tls.namedCertificates().size());
        }
        Set<String> names = new HashSet<>();
        for (NamedCertificate named : tls.namedCertificates()) {
            String at = where + "named certificate '" + named.name() + "': ";
            if (named.name() == null || !NamedCertificate.NAME.matcher(named.name()).matches()) {
                errors.add(where + "a named certificate's name must be lower-case letters, digits and '-' (at most 63)");
            } else if (!names.add(named.name())) {
                errors.add(at + "stored twice");
            }
            if (named.certificateChainPem() == null || named.certificateChainPem().length() > MAX_CLIENT_CA_PEM_CHARS
                    || !named.certificateChainPem().contains("-----BEGIN CERTIFICATE-----")) {
                errors.add(at + "certificateChainPem must hold a '-----BEGIN CERTIFICATE-----' block, at most "
                        + MAX_CLIENT_CA_PEM_CHARS + " characters");
            }
            if (named.certificateSha256() == null || !SHA256_FINGERPRINT.matcher(named.certificateSha256()).matches()) {
                errors.add(at + "certificateSha256 must be 32 upper-case hex pairs joined by ':'");
            }
            if (named.sealedKey() == null) {
                errors.add(at + "sealedKey is required");
            }
            checkSealed(errors, at + "sealedKey", named.sealedKey());
        }
        if (tls.acme() != null) {
            checkAcme(errors, where + "acme: ", tls.acme());
        }
    }

    /** The stored ACME request: its shape only (the API checked the names and URL when it was set). */
    private static void checkAcme(List<String> errors, String where, AcmeConfig acme) {
        if (acme.directoryUrl() == null || !acme.directoryUrl().startsWith("https://")) {
            errors.add(where + "directoryUrl must be an https URL");
        }
        if (acme.domains().isEmpty() || acme.domains().size() > MAX_NAMED_CERTIFICATES
                || acme.domains().stream().anyMatch(d -> d == null || d.isBlank())) {
            errors.add(where + "domains must name 1 to " + MAX_NAMED_CERTIFICATES + " DNS names");
        }
        if (acme.certificateName() != null && !NamedCertificate.NAME.matcher(acme.certificateName()).matches()) {
            errors.add(where + "certificateName must be lower-case letters, digits and '-' (at most 63)");
        }
        if ((acme.accountLocation() == null) != (acme.sealedAccountKey() == null)) {
            errors.add(where + "accountLocation and sealedAccountKey are stored together");
        }
        if (acme.sealedEabHmacKey() != null && acme.eabKeyId() == null) {
            errors.add(where + "sealedEabHmacKey needs eabKeyId");
        }
        checkSealed(errors, where + "sealedAccountKey", acme.sealedAccountKey());
        checkSealed(errors, where + "sealedEabHmacKey", acme.sealedEabHmacKey());
        if (acme.lease() != null && (acme.lease().holder() == null || acme.lease().holder().isBlank())) {
            errors.add(where + "lease needs a holder");
        }
        if (acme.challenges().size() > MAX_NAMED_CERTIFICATES) {
            errors.add(where + "at most " + MAX_NAMED_CERTIFICATES + " published challenges");
        }
        if (!acme.domains().containsAll(acme.alpnChallenges().keySet())) {
            errors.add(where + "alpnChallenges may only be for the managed domains");
        }
    }

    /** Each database's TLS server names are host names, and each routes to one database only. */
    private static void checkServerNames(List<String> errors, GatewayConfig config) {
        Map<String, String> owner = new java.util.HashMap<>();
        for (DatabaseConfig db : config.databases().values()) {
            if (db == null) {
                continue;
            }
            String where = "database '" + db.name() + "': sniHostnames ";
            if (db.sniHostnames().size() > MAX_SNI_HOSTNAMES) {
                errors.add(where + "lists more than " + MAX_SNI_HOSTNAMES + " names");
                continue;
            }
            for (String name : db.sniHostnames()) {
                if (name == null || !SERVER_NAME.matcher(name).matches() || name.chars().allMatch(c -> c == '.' || Character.isDigit(c))) {
                    errors.add(where + "lists '" + name + "', which is not a host name (SNI carries DNS names, not addresses)");
                } else {
                    String previous = owner.putIfAbsent(name, db.name());
                    if (previous != null && !previous.equals(db.name())) {
                        errors.add(where + "lists '" + name + "', which database '" + previous + "' lists too");
                    } else if (previous != null) {
                        errors.add(where + "lists '" + name + "' twice");
                    }
                }
            }
        }
    }

    private static void checkSealed(List<String> errors, String field, String sealed) {
        if (sealed != null && !sealed.startsWith(SecretBox.PREFIX)) {
            errors.add(field + " must be a sealed value (" + SecretBox.PREFIX + "...)");
        }
    }

    /** Each override within its {@link Setting}'s bounds, the message naming the field. */
    private static void checkSettings(List<String> errors, SettingsConfig settings) {
        for (Setting<?> setting : RuntimeSettings.ALL) {
            Object value = settings.get(setting);
            if (value != null) {
                setting.check(value, "settings: ", errors);
            }
        }
    }

    /** A database out of service until it has its backend credentials: the reason says why, there is no user. */
    private static void checkDisabled(List<String> errors, String where, DatabaseConfig db) {
        if (db.disabledReason().isBlank() || db.disabledReason().length() > MAX_DISABLED_REASON_LENGTH) {
            errors.add(where + "disabledReason must be 1 to " + MAX_DISABLED_REASON_LENGTH + " characters");
        }
        if (db.user() != null || db.hasPassword()) {
            errors.add(where + "a database waiting for its backend credentials has no user or password yet");
        }
    }

    /** Who the lookup logs in as, in which database, with what query: {@code $1} is the client's user name. */
    private static void checkAuthLookup(List<String> errors, String where, AuthLookup lookup) {
        checkIdentifier(errors, where, "authUser", lookup.user());
        if (lookup.dbname() != null) {
            checkIdentifier(errors, where, "authDbname", lookup.dbname());
        }
        if (lookup.query().length() > MAX_CHECK_QUERY_LENGTH) {
            errors.add(where + "authQuery must be at most " + MAX_CHECK_QUERY_LENGTH + " characters");
        } else if (!lookup.query().contains("$1")) {
            errors.add(where + "authQuery must use $1 for the user name it looks up");
        } else if (lookup.query().contains(";")) {
            errors.add(where + "authQuery must be one statement, without ';'");
        }
        if (lookup.hasPassword() && !lookup.sealedPassword().startsWith(SecretBox.PREFIX)
                && !lookup.sealedPassword().startsWith(SecretBox.UNBOUND_PREFIX)) {
            errors.add(where + "the authUser password is not sealed (expected the prefix " + SecretBox.PREFIX + ")");
        }
    }

    private static void checkIdentifier(List<String> errors, String where, String field, String value) {
        if (value == null || value.isEmpty()) {
            errors.add(where + field + " is required");
            return;
        }
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_NAME_LENGTH) {
            errors.add(where + field + " must be at most " + MAX_NAME_LENGTH + " bytes, not " + bytes);
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            errors.add(where + field + " must not contain control characters");
        }
    }

    private static void checkRange(List<String> errors, String where, String field, int value, int min, int max) {
        if (value < min || value > max) {
            errors.add(where + field + " must be between " + min + " and " + max + ", not " + value);
        }
    }

    private static void checkCount(List<String> errors, String what, int count, int max) {
        if (count > max) {
            errors.add("at most " + max + " " + what + " can be configured, not " + count);
        }
    }

    private static String summary(List<String> errors) {
        if (errors.size() <= MAX_REPORTED_ERRORS) {
            return String.join("; ", errors);
        }
        return String.join("; ", errors.subList(0, MAX_REPORTED_ERRORS))
                + "; and " + (errors.size() - MAX_REPORTED_ERRORS) + " more";
    }
}
