/**
 * The {@code db} session engine over JDBC ({@link dev.satchel.db.DbSessionEngine}, registered as
 * {@code db} and {@code django.contrib.sessions.backends.db}), its settings ({@link
 * dev.satchel.db.DbSettings}) and the {@code clearsessions} command ({@link
 * dev.satchel.db.ClearSessions}). The DDL for each database ships as {@code
 * dev/satchel/db/schema-<sqlite|postgresql|mariadb>.sql}.
 */
package dev.satchel.db;
