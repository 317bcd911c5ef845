/**
 * Django-compatible signing ({@code django.core.signing} and {@code salted_hmac}): {@link
 * dev.satchel.signing.Signer}, {@link dev.satchel.signing.TimestampSigner} with Django's
 * {@code dumps}/{@code loads} object format, and {@link dev.satchel.signing.SaltedHmac}. Output is
 * byte-for-byte what Django produces for the same key, salt and time, and anything Django accepts
 * is accepted the same way; failures are always a {@link dev.satchel.BadSignatureException} or one
 * of its subclasses.
 */
package dev.satchel.signing;
