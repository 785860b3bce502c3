package dev.rewardstream.model;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** MurmurHash3 x86 32-bit with the featurizer's seed: fast, well distributed and identical on every platform. */
final class Murmur3 {

  private static final int SEED = 0x5eed_f00d;

  private Murmur3() {}

  /** Four bytes as one little-endian int in a single load, as MurmurHash3 reads its blocks. */
  private static final VarHandle LITTLE_ENDIAN_INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  static int hash(byte[] data) {
    return hash(data, data.length);
  }

  static int hash(byte[] data, int length) {
    int h = SEED;
    int n = length & ~3;
    for (int i = 0; i < n; i += 4) {
      int k = (int) LITTLE_ENDIAN_INT.get(data, i);
      h ^= mixK(k);
      h = Integer.rotateLeft(h, 13) * 5 + 0xe6546b64;
    }
    int k = 0;
    switch (length & 3) {
      case 3:
        k ^= (data[n + 2] & 0xff) << 16;
      // fall through
      case 2:
        k ^= (data[n + 1] & 0xff) << 8;
      // fall through
      case 1:
        k ^= data[n] & 0xff;
        h ^= mixK(k);
      // fall through
      default:
        break;
    }
    return finalMix(h ^ length);
  }

  /** MurmurHash3's finalizer: every bit of the result depends on every bit of the input. */
  static int finalMix(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }

  private static int mixK(int k) {
    k *= 0xcc9e2d51;
    k = Integer.rotateLeft(k, 15);
    return k * 0x1b873593;
  }
}
