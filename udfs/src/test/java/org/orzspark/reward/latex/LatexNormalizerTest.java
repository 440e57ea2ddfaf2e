package org.orzspark.reward.latex;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatexNormalizerTest {
  @Test
  void controlCharactersFromSwallowedEscapesAreRepaired() {
    assertThat(LatexNormalizer.repairControlCharacters("\text{13}")).isEqualTo("\\text{13}");
    assertThat(LatexNormalizer.repairControlCharacters("-\\\frac{7}{4}"))
        .isEqualTo("-\\\\frac{7}{4}");
    assertThat(LatexNormalizer.repairControlCharacters("\boxed{1}\right"))
        .isEqualTo("\\boxed{1}\\right");
    assertThat(LatexNormalizer.repairControlCharacters("a\u0000b\t1")).isEqualTo("a b 1");
    assertThat(LatexNormalizer.repairControlCharacters("line\nbreak")).isEqualTo("line\nbreak");
  }

  @Test
  void doubledBackslashesBeforeCommandsButNotRowBreaks() {
    assertThat(LatexNormalizer.undoubleBackslashes("\\\\frac{1}{2}")).isEqualTo("\\frac{1}{2}");
    assertThat(LatexNormalizer.undoubleBackslashes("1 \\\\ 2")).isEqualTo("1 \\\\ 2");
    assertThat(LatexNormalizer.undoubleBackslashes("4\\\\\\end{pmatrix}"))
        .isEqualTo("4\\\\\\end{pmatrix}");
  }

  @Test
  void stylingSpacingUnitsMarkersAndSpellings() {
    assertThat(LatexNormalizer.normalize("\\left( \\dfrac{1}{2} \\right)"))
        .isEqualTo("( \\frac{1}{2} )");
    assertThat(LatexNormalizer.normalize("32,\\!349")).isEqualTo("32349");
    assertThat(LatexNormalizer.normalize("14{,}916")).isEqualTo("14916");
    assertThat(LatexNormalizer.normalize("28\\%")).isEqualTo("28");
    assertThat(LatexNormalizer.normalize("90^\\circ")).isEqualTo("90");
    assertThat(LatexNormalizer.normalize("1.5e-3")).isEqualTo("1.5\\times10^{-3}");
    assertThat(LatexNormalizer.normalize("(11,7)or(7,11)")).isEqualTo("(11,7) , (7,11)");
    assertThat(LatexNormalizer.normalize("x \\geq 5")).isEqualTo("x \\ge 5");
    assertThat(LatexNormalizer.normalize("1 & 2 \\\\ 3")).isEqualTo("1 & 2 \\\\ 3");
  }
}
