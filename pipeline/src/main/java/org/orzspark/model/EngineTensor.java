package org.orzspark.model;

import ai.djl.ndarray.NDArray;
import java.nio.FloatBuffer;
import org.orzspark.autograd.HostChunks;

/**
 * The live values of a float32 engine array as {@link TensorValues}: each read copies one chunk out
 * of the array, so writing a checkpoint needs no Java copy of the whole tensor.
 */
record EngineTensor(String name, NDArray array) implements TensorValues {

  @Override
  public long[] shape() {
    return array.getShape().getShape();
  }

  @Override
  public Reader open() {
    return new Reader() {
      private long position;

      @Override
      public void read(FloatBuffer into) {
        int n = into.remaining();
        if (n > array.size() - position) {
          throw new IllegalArgumentException(
              "tensor '"
                  + name
                  + "': "
                  + n
                  + " values asked, "
                  + (array.size() - position)
                  + " left");
        }
        HostChunks.get(array, position, into);
        position += n;
      }

      @Override
      public void close() {}
    };
  }
}
