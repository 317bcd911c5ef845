package dev.satchel;

/**
 * What concurrent saves of the same sessions have cost so far, counted by a {@link SessionManager}.
 *
 * @param conflicts saves that found the session changed by another request since it was loaded
 * @param merged conflicts resolved by merging (each counted once, however many retries it took)
 * @param keysOverwritten keys that both requests changed, where this request's value replaced the
 *     other's (the last writer per key wins)
 * @param failed saves that raised {@link SessionConflictException}
 */
public record ConflictCounts(long conflicts, long merged, long keysOverwritten, long failed) {}
