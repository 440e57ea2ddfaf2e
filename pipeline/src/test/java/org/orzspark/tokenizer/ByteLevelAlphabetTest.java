package org.orzspark.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ByteLevelAlphabetTest {

  @Test
  void printableBytesMapToThemselvesOthersToTheShiftedRange() {
    assertThat(ByteLevelAlphabet.charOf('a')).isEqualTo('a');
    assertThat(ByteLevelAlphabet.charOf('~')).isEqualTo('~');
    assertThat(ByteLevelAlphabet.charOf(0)).isEqualTo('\u0100');
    // 0x0A is the 11th non-printable byte, 0x20 the 33rd: GPT-2's 'Ċ' and 'Ġ'.
    assertThat(ByteLevelAlphabet.charOf('\n')).isEqualTo('Ċ');
    assertThat(ByteLevelAlphabet.charOf(' ')).isEqualTo('Ġ');
    assertThat(ByteLevelAlphabet.charOf(0xAD)).isEqualTo('\u0143');
  }

  @Test
  void mappingIsABijectionOnBytes() {
    Set<Character> seen = new HashSet<>();
    for (int b = 0; b < ByteLevelAlphabet.SIZE; b++) {
      seen.add(ByteLevelAlphabet.charOf(b));
    }
    assertThat(seen).hasSize(256);
  }

  @Test
  void encodesUtf8BytesOneCharacterEach() {
    assertThat(ByteLevelAlphabet.encode(" x=1")).isEqualTo("Ġx=1");
    // 'é' is two UTF-8 bytes, C3 A9, both printable Latin-1.
    assertThat(ByteLevelAlphabet.encode("é")).isEqualTo("Ã©");
  }
}
