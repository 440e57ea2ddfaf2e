package org.orzspark.model;

/**
 * The on-disk element types of safetensors files, read and written. Every type is widened to
 * float32 on the way in (BF16 tensors must never reach the CPU engine: it aborts the JVM) and
 * narrowed from float32 on the way out.
 */
public enum SafetensorsDtype {
  F32(4),
  F16(2),
  BF16(2);

  private final int bytes;

  SafetensorsDtype(int bytes) {
    this.bytes = bytes;
  }

  public int bytes() {
    return bytes;
  }

  /** The dtype for a {@code torch_dtype} name of {@code config.json}. */
  public static SafetensorsDtype forTorchDtype(String torchDtype) {
    return switch (torchDtype) {
      case "float32" -> F32;
      case "float16" -> F16;
      case "bfloat16" -> BF16;
      default -> throw new IllegalArgumentException("unsupported torch_dtype '" + torchDtype + "'");
    };
  }

  /**
   * bfloat16 → float32: the 16 bits are the high half of the float32 pattern, so widening is exact.
   */
  public static float bf16ToFloat(short bits) {
    return Float.intBitsToFloat((bits & 0xffff) << 16);
  }

  /**
   * float32 → bfloat16 by round-to-nearest-even on the dropped 16 bits (as PyTorch does); NaN stays
   * a quiet NaN.
   */
  public static short floatToBf16(float value) {
    int bits = Float.floatToRawIntBits(value);
    if (Float.isNaN(value)) {
      return (short) ((bits >>> 16) | 0x0040);
    }
    int roundingBias = 0x7fff + ((bits >>> 16) & 1);
    return (short) ((bits + roundingBias) >>> 16);
  }

  /**
   * IEEE 754 binary16 → float32, exactly: sign, 5-bit exponent (bias 15), 10-bit fraction; exponent
   * 0 holds subnormals (fraction · 2^-24), exponent 31 infinities and NaN.
   */
  public static float f16ToFloat(short bits) {
    int sign = (bits & 0x8000) != 0 ? -1 : 1;
    int exponent = (bits >>> 10) & 0x1f;
    int fraction = bits & 0x3ff;
    if (exponent == 0) {
      // Negated as a float, so 0x8000 is -0 (an int product would lose the sign of zero).
      float magnitude = fraction * 0x1p-24f;
      return sign < 0 ? -magnitude : magnitude;
    }
    if (exponent == 31) {
      return fraction == 0 ? sign * Float.POSITIVE_INFINITY : Float.NaN;
    }
    return sign * Float.intBitsToFloat(((exponent - 15 + 127) << 23) | (fraction << 13));
  }

  /**
   * float32 → IEEE 754 binary16 by round-to-nearest-even: magnitudes from 65520 (half-way past the
   * largest half, 65504) become infinity, those below 2^-14 become subnormals (units of 2^-24), at
   * most 2^-25 becomes 0; NaN stays a quiet NaN.
   */
  public static short floatToF16(float value) {
    int bits = Float.floatToRawIntBits(value);
    int sign = (bits >>> 16) & 0x8000;
    int abs = bits & 0x7fffffff;
    if (abs >= 0x7f800000) {
      return (short) (sign | (abs == 0x7f800000 ? 0x7c00 : 0x7e00));
    }
    if (abs >= 0x477ff000) {
      return (short) (sign | 0x7c00);
    }
    if (abs < 0x38800000) {
      // Subnormal half: the 24-bit significand shifted to units of 2^-24.
      int exponent = abs >>> 23;
      if (exponent < 102) {
        return (short) sign;
      }
      int significand = (abs & 0x7fffff) | 0x800000;
      int shift = 126 - exponent;
      return (short) (sign | roundShift(significand, shift));
    }
    // Normal half: rebias the exponent (127 → 15) and drop 13 fraction bits; a carry out of the
    // fraction correctly moves to the next exponent.
    return (short) (sign | roundShift(abs - 0x38000000, 13));
  }

  /** {@code value >>> shift} rounded to nearest, ties to even. */
  private static int roundShift(int value, int shift) {
    int kept = value >>> shift;
    int dropped = value & ((1 << shift) - 1);
    int half = 1 << (shift - 1);
    return dropped > half || (dropped == half && (kept & 1) == 1) ? kept + 1 : kept;
  }
}
