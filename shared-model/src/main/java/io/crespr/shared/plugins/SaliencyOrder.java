package io.crespr.shared.plugins;

import java.util.Arrays;

/**
 * Orders weights by saliency with a primitive sort: each entry packs an order-preserving
 * transform of the float saliency in the high 32 bits and the weight's position in the low 32,
 * so ties break by position and the order is the same on every run.
 */
final class SaliencyOrder {

    private SaliencyOrder() {
    }

    static long key(float saliency, int position) {
        if (Float.isNaN(saliency)) {
            throw new IllegalArgumentException("saliency is NaN at position " + position);
        }
        int bits = Float.floatToIntBits(saliency == 0f ? 0f : saliency);
        // Negative floats order backwards as ints: flipping their magnitude bits makes signed int
        // order equal float order, and a signed long keeps that order in its high half.
        int ordered = bits >= 0 ? bits : bits ^ 0x7fffffff;
        return ((long) ordered << 32) | (position & 0xffffffffL);
    }

    static int position(long key) {
        return (int) key;
    }

    /** Sorts keys ascending: least salient first. */
    static long[] ascending(long[] keys) {
        Arrays.sort(keys);
        return keys;
    }
}
