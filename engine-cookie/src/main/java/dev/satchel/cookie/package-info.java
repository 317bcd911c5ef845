/**
 * Session engines that keep the whole session in the cookie: {@code signed_cookies}, Django's format
 * byte for byte, and {@code encrypted_cookies}, its AES-GCM encrypted variant. Both are found by name
 * through {@link dev.satchel.SessionEngines} or built directly from an {@link
 * dev.satchel.spi.EngineContext}. Everything in {@code dev.satchel.cookie.internal} is private to this
 * module.
 */
package dev.satchel.cookie;
