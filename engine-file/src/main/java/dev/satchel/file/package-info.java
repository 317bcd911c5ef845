/**
 * The {@code file} session engine: one atomically written file per session, compatible with
 * Django's {@code django.contrib.sessions.backends.file}. See {@link dev.satchel.file.FileSessionEngine}.
 */
package dev.satchel.file;
