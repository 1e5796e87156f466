package dev.freshet.tpch;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The 22 TPC-H queries (specification 3.0.1, §2.4) with the validation substitution parameters
 * (§2.4.x.3), read from {@code /dev/freshet/tpch/queries/qNN.sql}.
 *
 * <p>The text is the specification's, changed only where PostgreSQL needs it: Q15's view
 * {@code revenue0} is a {@code WITH} clause; interval literals drop the {@code (3)} precision
 * PostgreSQL rejects ({@code interval '90' day}); the row limits of Q2, Q3, Q10, Q18 and Q21 are
 * {@code LIMIT} clauses.
 */
public final class TpchQueries {

  public static final int COUNT = 22;

  private static final List<String> TITLES = List.of(
      "Pricing Summary Report",
      "Minimum Cost Supplier",
      "Shipping Priority",
      "Order Priority Checking",
      "Local Supplier Volume",
      "Forecasting Revenue Change",
      "Volume Shipping",
      "National Market Share",
      "Product Type Profit Measure",
      "Returned Item Reporting",
      "Important Stock Identification",
      "Shipping Modes and Order Priority",
      "Customer Distribution",
      "Promotion Effect",
      "Top Supplier",
      "Parts/Supplier Relationship",
      "Small-Quantity-Order Revenue",
      "Large Volume Customer",
      "Discounted Revenue",
      "Potential Part Promotion",
      "Suppliers Who Kept Orders Waiting",
      "Global Sales Opportunity");

  /** Loaded on first use; the texts never change at run time. */
  private static final class Loaded {
    static final List<TpchQuery> QUERIES = load();
  }

  private TpchQueries() {
  }

  /** Q1..Q22 in order. */
  public static List<TpchQuery> all() {
    return Loaded.QUERIES;
  }

  /** Query {@code number}, 1..22. */
  public static TpchQuery get(int number) {
    if (number < 1 || number > COUNT) {
      throw new IllegalArgumentException("TPC-H has queries 1 to " + COUNT + "; there is no query "
          + number);
    }
    return Loaded.QUERIES.get(number - 1);
  }

  /** {@code 7} → {@code q07}: the resource and display name. */
  public static String name(int number) {
    return String.format("q%02d", number);
  }

  private static List<TpchQuery> load() {
    var queries = new ArrayList<TpchQuery>(COUNT);
    for (int n = 1; n <= COUNT; n++) {
      String resource = "queries/" + name(n) + ".sql";
      try (InputStream in = TpchQueries.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("resource /dev/freshet/tpch/" + resource
              + " is missing from the class path; rebuild the freshet-tpch jar");
        }
        String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        queries.add(new TpchQuery(n, name(n), TITLES.get(n - 1), sql));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read /dev/freshet/tpch/" + resource, e);
      }
    }
    return List.copyOf(queries);
  }
}
