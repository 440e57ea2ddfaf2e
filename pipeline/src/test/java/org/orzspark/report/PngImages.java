package org.orzspark.report;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import javax.imageio.ImageIO;

/** Checks that an image has content: it decodes, and is not one flat colour. */
public final class PngImages {
  private PngImages() {}

  /** Decodes {@code png}; fails when it is not an image. */
  public static BufferedImage read(Path png) throws IOException {
    BufferedImage image = ImageIO.read(png.toFile());
    if (image == null) {
      throw new IOException(png + " is not a decodable image");
    }
    return image;
  }

  /** Distinct RGB colours in the image (a blank image has 1). */
  public static int distinctColours(BufferedImage image) {
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        colours.add(image.getRGB(x, y) & 0xFFFFFF);
      }
    }
    return colours.size();
  }

  /** Share of pixels that are not (near) white. */
  public static double inkShare(BufferedImage image) {
    long ink = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = image.getRGB(x, y);
        int r = (rgb >> 16) & 0xFF;
        int g = (rgb >> 8) & 0xFF;
        int b = rgb & 0xFF;
        if (r + g + b < 3 * 240) {
          ink++;
        }
      }
    }
    return ink / (double) (image.getWidth() * image.getHeight());
  }
}
