package dev.freshet.tpch;

import io.trino.tpch.Customer;
import io.trino.tpch.LineItem;
import io.trino.tpch.Nation;
import io.trino.tpch.Order;
import io.trino.tpch.Part;
import io.trino.tpch.PartSupplier;
import io.trino.tpch.Region;
import io.trino.tpch.Supplier;
import io.trino.tpch.TpchEntity;
import io.trino.tpch.TpchTable;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * One TPC-H table's generator (io.trino.tpch, a port of the reference {@code dbgen}) paired with
 * the encoder that writes its rows as COPY text in the column order of {@link TpchSchema}.
 *
 * <p>The encoders read the generator's integer fields (cents, percent, epoch days) rather than its
 * {@code toLine()}, so the value format is ours and exact, whatever the library version does.
 */
record GeneratedTable<E extends TpchEntity>(
    TpchSchema.Table table, TpchTable<E> source, BiConsumer<E, CopyTextLine> encoder) {

  /** All eight, in {@link TpchSchema#TABLES} order. */
  static final List<GeneratedTable<?>> ALL = List.of(
      new GeneratedTable<>(TpchSchema.table("region"), TpchTable.REGION,
          (Region r, CopyTextLine line) -> line
              .integer(r.regionKey())
              .text(r.name())
              .text(r.comment())),
      new GeneratedTable<>(TpchSchema.table("nation"), TpchTable.NATION,
          (Nation n, CopyTextLine line) -> line
              .integer(n.nationKey())
              .text(n.name())
              .integer(n.regionKey())
              .text(n.comment())),
      new GeneratedTable<>(TpchSchema.table("supplier"), TpchTable.SUPPLIER,
          (Supplier s, CopyTextLine line) -> line
              .integer(s.supplierKey())
              .text(s.name())
              .text(s.address())
              .integer(s.nationKey())
              .text(s.phone())
              .cents(s.accountBalanceInCents())
              .text(s.comment())),
      new GeneratedTable<>(TpchSchema.table("customer"), TpchTable.CUSTOMER,
          (Customer c, CopyTextLine line) -> line
              .integer(c.customerKey())
              .text(c.name())
              .text(c.address())
              .integer(c.nationKey())
              .text(c.phone())
              .cents(c.accountBalanceInCents())
              .text(c.marketSegment())
              .text(c.comment())),
      new GeneratedTable<>(TpchSchema.table("part"), TpchTable.PART,
          (Part p, CopyTextLine line) -> line
              .integer(p.partKey())
              .text(p.name())
              .text(p.manufacturer())
              .text(p.brand())
              .text(p.type())
              .integer(p.size())
              .text(p.container())
              .cents(p.retailPriceInCents())
              .text(p.comment())),
      new GeneratedTable<>(TpchSchema.table("partsupp"), TpchTable.PART_SUPPLIER,
          (PartSupplier ps, CopyTextLine line) -> line
              .integer(ps.partKey())
              .integer(ps.supplierKey())
              .integer(ps.availableQuantity())
              .cents(ps.supplyCostInCents())
              .text(ps.comment())),
      new GeneratedTable<>(TpchSchema.table("orders"), TpchTable.ORDERS,
          (Order o, CopyTextLine line) -> line
              .integer(o.orderKey())
              .integer(o.customerKey())
              .text(String.valueOf(o.orderStatus()))
              .cents(o.totalPriceInCents())
              .epochDay(o.orderDate())
              .text(o.orderPriority())
              .text(o.clerk())
              .integer(o.shipPriority())
              .text(o.comment())),
      new GeneratedTable<>(TpchSchema.table("lineitem"), TpchTable.LINE_ITEM,
          (LineItem l, CopyTextLine line) -> line
              .integer(l.orderKey())
              .integer(l.partKey())
              .integer(l.supplierKey())
              .integer(l.lineNumber())
              // dbgen quantities are whole units; the column is numeric(15,2)
              .integer(l.quantity())
              .cents(l.extendedPriceInCents())
              // discount and tax are whole percent: 6 → 0.06
              .cents(l.discountPercent())
              .cents(l.taxPercent())
              .text(l.returnFlag())
              .text(l.status())
              .epochDay(l.shipDate())
              .epochDay(l.commitDate())
              .epochDay(l.receiptDate())
              .text(l.shipInstructions())
              .text(l.shipMode())
              .text(l.comment())));

  /** The table's rows at {@code scaleFactor}, generated lazily as the iterator advances. */
  Iterable<E> rows(double scaleFactor) {
    return source.createGenerator(scaleFactor, 1, 1);
  }

  /** Appends one row as a COPY text line. */
  void append(E row, StringBuilder out) {
    var line = new CopyTextLine(out);
    encoder.accept(row, line);
    line.end();
  }
}
