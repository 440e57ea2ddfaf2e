package org.orzspark.datasets.curate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.orzspark.testing.SharedSpark;

class ConnectedComponentsTest {

  private static final StructType EDGES =
      new StructType()
          .add(ConnectedComponents.SRC, DataTypes.StringType)
          .add(ConnectedComponents.DST, DataTypes.StringType);

  @Test
  void chainsAndStarsCollapseToTheirSmallestId() {
    // c~b, b~a (a chain given out of order), e~d, d~f, plus a repeated and a reversed edge
    Map<String, String> labels =
        components(
            List.of(
                edge("c", "b"), edge("b", "a"), edge("e", "d"), edge("f", "d"), edge("a", "b")));
    assertThat(labels)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("a", "a", "b", "a", "c", "a", "d", "d", "e", "d", "f", "d"));
  }

  @Test
  void aLongPathConvergesToItsMinimum() {
    // v39 - v38 - ... - v00, listed from the far end: diameter 39
    List<Row> path = new ArrayList<>();
    for (int i = 39; i > 0; i--) {
      path.add(edge(String.format("v%02d", i), String.format("v%02d", i - 1)));
    }
    Map<String, String> labels = components(path);
    assertThat(labels).hasSize(40);
    assertThat(labels.values()).containsOnly("v00");
  }

  @Test
  void agreesWithUnionFindOnRandomGraphs() {
    SplittableRandom random = new SplittableRandom(7);
    for (int graph = 0; graph < 3; graph++) {
      int vertices = 60;
      List<Row> edges = new ArrayList<>();
      int[] parent = new int[vertices];
      for (int v = 0; v < vertices; v++) {
        parent[v] = v;
      }
      for (int e = 0; e < 45; e++) {
        int a = random.nextInt(vertices);
        int b = random.nextInt(vertices);
        edges.add(edge(id(a), id(b)));
        parent[find(parent, a)] = find(parent, b);
      }
      Map<Integer, String> smallest = new HashMap<>();
      Map<String, String> expected = new HashMap<>();
      for (Row r : edges) {
        for (String v : new String[] {r.getString(0), r.getString(1)}) {
          smallest.merge(
              find(parent, Integer.parseInt(v.substring(1))),
              v,
              (x, y) -> x.compareTo(y) <= 0 ? x : y);
        }
      }
      for (Row r : edges) {
        if (!r.getString(0).equals(r.getString(1))) {
          for (String v : new String[] {r.getString(0), r.getString(1)}) {
            expected.put(v, smallest.get(find(parent, Integer.parseInt(v.substring(1)))));
          }
        }
      }
      assertThat(components(edges)).as("graph %d", graph).isEqualTo(expected);
    }
  }

  private static int find(int[] parent, int v) {
    while (parent[v] != v) {
      v = parent[v];
    }
    return v;
  }

  private static String id(int v) {
    return String.format("v%03d", v);
  }

  private static Row edge(String a, String b) {
    return RowFactory.create(a, b);
  }

  private static Map<String, String> components(List<Row> edges) {
    Dataset<Row> frame = SharedSpark.session().createDataFrame(edges, EDGES);
    Map<String, String> labels = new HashMap<>();
    for (Row r : ConnectedComponents.of(frame).collectAsList()) {
      labels.put(r.getString(0), r.getString(1));
    }
    return labels;
  }
}
