package dev.satchel.db.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The index names Django's migrations give the session table's indexes, so a table Satchel creates
 * is the one {@code migrate} would have created: {@code <table>_<column>_<8 hex of md5(table +
 * column)><suffix>}, shortened the way Django shortens names longer than the database allows.
 */
public final class DjangoNames {
    private DjangoNames() {}

    /**
     * Django's {@code BaseDatabaseSchemaEditor._create_index_name} for one column.
     *
     * @param maxLength the database's longest identifier ({@code max_name_length}), or 0 for none
     *     (Django then uses 200)
     */
    public static String indexName(String table, String column, String suffix, int maxLength) {
        String hashSuffix = md5Hex(table + column).substring(0, 8) + suffix;
        int max = maxLength > 0 ? maxLength : 200;
        String name = table + "_" + column + "_" + hashSuffix;
        if (name.length() <= max) {
            return name;
        }
        if (hashSuffix.length() > max / 3) {
            hashSuffix = hashSuffix.substring(0, max / 3);
        }
        int otherLength = (max - hashSuffix.length()) / 2 - 1;
        name = table.substring(0, Math.min(otherLength, table.length())) + "_"
                + column.substring(0, Math.min(otherLength, column.length())) + "_" + hashSuffix;
        if (name.charAt(0) == '_' || Character.isDigit(name.charAt(0))) {
            name = "D" + name.substring(0, name.length() - 1);
        }
        return name;
    }

    private static String md5Hex(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
            StringBuilder sb = new StringBuilder(32);
            for (byte b : digest) {
                sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every Java platform", e);
        }
    }
}
