package dev.satchel.bench;

/**
 * Whose turn an iteration of a paired benchmark is. The two sides alternate in the order ABBA ABBA
 * …, counting warm-up iterations too: pairs are iterations (2k, 2k+1), each pair holds one iteration
 * of each side, and each side goes first in half of the pairs, so a drift over time favours neither.
 * With an even number of warm-up iterations, measured iteration m pairs with its neighbour as well.
 */
public final class Turns {
    private Turns() {}

    /** Whether iteration {@code i} (0-based, warm-ups included) measures the Satchel side. */
    public static boolean satchel(int i) {
        return ((i + 1) / 2) % 2 == 0;
    }
}
