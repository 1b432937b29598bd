package io.commitfs.bench;

import java.util.Random;

/** Incompressible, reproducible bytes for writes. */
final class Payload {

    private Payload() { }

    static byte[] bytes(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }
}
