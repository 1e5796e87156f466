package dev.freshet.tpch;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The content of RF1: new orders and their line items, following the value rules of TPC-H's
 * {@code dbgen} (§4.2.3) closely enough for realistic query answers.
 *
 * <p>Two steps, both pure functions: {@link #draft} draws every random choice from a seeded
 * {@link Random} (whose algorithm Java specifies, so a seed means the same orders on every JVM);
 * {@link #complete} then fills in what depends on the database (the chosen part's suppliers and
 * retail price) without drawing anything. The same seed and the same database state therefore give
 * the same rows.
 */
final class NewOrders {

  /** dbgen's "current date": lines received by then are returned or accepted, shipped by then final. */
  static final LocalDate CURRENT_DATE = LocalDate.of(1995, 6, 17);
  static final LocalDate FIRST_ORDER_DATE = LocalDate.of(1992, 1, 1);
  /** dbgen's last order date, 151 days before the end of 1998 so every line ships by then. */
  static final LocalDate LAST_ORDER_DATE = LocalDate.of(1998, 8, 2);

  static final List<String> PRIORITIES =
      List.of("1-URGENT", "2-HIGH", "3-MEDIUM", "4-NOT SPECIFIED", "5-LOW");
  static final List<String> SHIP_INSTRUCTIONS =
      List.of("DELIVER IN PERSON", "COLLECT COD", "NONE", "TAKE BACK RETURN");
  static final List<String> SHIP_MODES =
      List.of("REG AIR", "AIR", "RAIL", "SHIP", "TRUCK", "MAIL", "FOB");
  /**
   * Comment words. "special" and "requests" are among them so that some new orders match Q13's
   * {@code o_comment not like '%special%requests%'} filter and some do not.
   */
  private static final List<String> WORDS = List.of(
      "furiously", "special", "requests", "carefully", "final", "deposits", "pending", "accounts",
      "ironic", "packages", "blithely", "regular", "theodolites", "quickly", "express", "foxes");

  /** What RF1 needs to know about the database: the key ranges to draw from. */
  record Bounds(long maxOrderKey, long maxCustKey, long maxPartKey, long maxSuppKey) {
    Bounds {
      if (maxCustKey < 1 || maxPartKey < 1 || maxSuppKey < 1) {
        throw new IllegalStateException("RF1 needs customers, parts and suppliers; found max keys "
            + "customer=" + maxCustKey + ", part=" + maxPartKey + ", supplier=" + maxSuppKey
            + ". Load TPC-H first (freshet tpch load)");
      }
    }
  }

  /** A line item before the database is consulted; {@code supplierChoice} picks among the part's suppliers. */
  record LineDraft(int lineNumber, long partKey, int supplierChoice, int quantity,
                   int discountPercent, int taxPercent, int shipDays, int commitDays,
                   int receiptDays, boolean returned, String shipInstruct, String shipMode,
                   String comment) {
  }

  record OrderDraft(long orderKey, long custKey, LocalDate orderDate, String priority,
                    String clerk, String comment, List<LineDraft> lines) {
    OrderDraft {
      lines = List.copyOf(lines);
    }
  }

  /** A part as RF1 sees it: retail price and the suppliers partsupp lists for it, ascending. */
  record PartOffer(BigDecimal retailPrice, List<Long> suppliers) {
    PartOffer {
      suppliers = List.copyOf(suppliers);
    }
  }

  record OrderRow(long orderKey, long custKey, String status, BigDecimal totalPrice,
                  LocalDate orderDate, String priority, String clerk, int shipPriority,
                  String comment) {
  }

  record LineRow(long orderKey, long partKey, long suppKey, int lineNumber, BigDecimal quantity,
                 BigDecimal extendedPrice, BigDecimal discount, BigDecimal tax, String returnFlag,
                 String lineStatus, LocalDate shipDate, LocalDate commitDate,
                 LocalDate receiptDate, String shipInstruct, String shipMode, String comment) {
  }

  record Batch(List<OrderRow> orders, List<LineRow> lines) {
    Batch {
      orders = List.copyOf(orders);
      lines = List.copyOf(lines);
    }
  }

  private NewOrders() {
  }

  /** {@code count} orders with keys {@code maxOrderKey + 1 ...}, each with 1 to 7 lines. */
  static List<OrderDraft> draft(Random random, Bounds bounds, int count) {
    int orderDays = (int) (LAST_ORDER_DATE.toEpochDay() - FIRST_ORDER_DATE.toEpochDay());
    long clerks = Math.max(1, bounds.maxSuppKey() / 10);
    var orders = new ArrayList<OrderDraft>(count);
    for (int i = 0; i < count; i++) {
      long orderKey = bounds.maxOrderKey() + 1 + i;
      long custKey = 1 + nextLong(random, bounds.maxCustKey());
      LocalDate orderDate = FIRST_ORDER_DATE.plusDays(random.nextInt(orderDays + 1));
      String priority = PRIORITIES.get(random.nextInt(PRIORITIES.size()));
      String clerk = String.format("Clerk#%09d", 1 + nextLong(random, clerks));
      String comment = comment(random, 79);
      int lineCount = 1 + random.nextInt(7);
      var lines = new ArrayList<LineDraft>(lineCount);
      for (int n = 1; n <= lineCount; n++) {
        lines.add(new LineDraft(
            n,
            1 + nextLong(random, bounds.maxPartKey()),
            random.nextInt(Integer.MAX_VALUE),
            1 + random.nextInt(50),
            random.nextInt(11),
            random.nextInt(9),
            1 + random.nextInt(121),
            30 + random.nextInt(61),
            1 + random.nextInt(30),
            random.nextBoolean(),
            SHIP_INSTRUCTIONS.get(random.nextInt(SHIP_INSTRUCTIONS.size())),
            SHIP_MODES.get(random.nextInt(SHIP_MODES.size())),
            comment(random, 44)));
      }
      orders.add(new OrderDraft(orderKey, custKey, orderDate, priority, clerk, comment, lines));
    }
    return orders;
  }

  /** The part keys the drafts use, for the one query that fetches their offers. */
  static long[] partKeys(List<OrderDraft> drafts) {
    return drafts.stream()
        .flatMap(o -> o.lines().stream())
        .mapToLong(LineDraft::partKey)
        .distinct()
        .sorted()
        .toArray();
  }

  /** Turns drafts into rows: supplier, prices, flags and statuses, exactly as TPC-H derives them. */
  static Batch complete(List<OrderDraft> drafts, Map<Long, PartOffer> offers) {
    var orders = new ArrayList<OrderRow>(drafts.size());
    var lines = new ArrayList<LineRow>();
    for (OrderDraft order : drafts) {
      BigDecimal total = BigDecimal.ZERO;
      int shipped = 0;
      for (LineDraft line : order.lines()) {
        PartOffer offer = offers.get(line.partKey());
        if (offer == null || offer.suppliers().isEmpty()) {
          throw new IllegalStateException("part " + line.partKey() + " chosen for RF1 has no "
              + "supplier in partsupp; RF1 expects TPC-H parts 1..max(p_partkey), each listed in "
              + "partsupp, as freshet tpch load creates them");
        }
        long suppKey = offer.suppliers().get(line.supplierChoice() % offer.suppliers().size());
        BigDecimal quantity = BigDecimal.valueOf(line.quantity()).setScale(2);
        BigDecimal extendedPrice = offer.retailPrice().multiply(quantity).setScale(2, RoundingMode.HALF_EVEN);
        BigDecimal discount = BigDecimal.valueOf(line.discountPercent(), 2);
        BigDecimal tax = BigDecimal.valueOf(line.taxPercent(), 2);
        LocalDate shipDate = order.orderDate().plusDays(line.shipDays());
        LocalDate commitDate = order.orderDate().plusDays(line.commitDays());
        LocalDate receiptDate = shipDate.plusDays(line.receiptDays());
        String returnFlag = receiptDate.isAfter(CURRENT_DATE) ? "N" : line.returned() ? "R" : "A";
        String lineStatus = shipDate.isAfter(CURRENT_DATE) ? "O" : "F";
        if (lineStatus.equals("F")) {
          shipped++;
        }
        total = total.add(extendedPrice
            .multiply(BigDecimal.ONE.add(tax))
            .multiply(BigDecimal.ONE.subtract(discount)));
        lines.add(new LineRow(order.orderKey(), line.partKey(), suppKey, line.lineNumber(),
            quantity, extendedPrice, discount, tax, returnFlag, lineStatus, shipDate, commitDate,
            receiptDate, line.shipInstruct(), line.shipMode(), line.comment()));
      }
      // dbgen: F when every line has shipped, O when none has, P (partial) otherwise
      String status = shipped == order.lines().size() ? "F" : shipped == 0 ? "O" : "P";
      orders.add(new OrderRow(order.orderKey(), order.custKey(), status,
          total.setScale(2, RoundingMode.HALF_EVEN), order.orderDate(), order.priority(),
          order.clerk(), 0, order.comment()));
    }
    return new Batch(orders, lines);
  }

  /**
   * Uniform in {@code [0, bound)}. Not {@code Random.nextLong(bound)}: its algorithm is not part of
   * Java's specification, and a seed must mean the same rows on every JVM.
   */
  static long nextLong(Random random, long bound) {
    if (bound <= Integer.MAX_VALUE) {
      return random.nextInt((int) bound);
    }
    return Math.floorMod(random.nextLong(), bound);
  }

  private static String comment(Random random, int maxLength) {
    var text = new StringBuilder();
    int words = 2 + random.nextInt(5);
    for (int i = 0; i < words; i++) {
      String word = WORDS.get(random.nextInt(WORDS.size()));
      if (text.length() + 1 + word.length() > maxLength) {
        break;
      }
      if (!text.isEmpty()) {
        text.append(' ');
      }
      text.append(word);
    }
    return text.toString();
  }
}
