/** Filesystem details of the file engine; not an API, other modules must not use it. */
package dev.satchel.file.internal;
