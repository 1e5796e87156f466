package dev.freshet.tpch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NewOrdersTest {

  private static final NewOrders.Bounds SF_001 = new NewOrders.Bounds(60_000, 1_500, 2_000, 100);

  @Test
  void sameSeedSameOrders() {
    assertEquals(NewOrders.draft(new Random(7), SF_001, 50), NewOrders.draft(new Random(7), SF_001, 50));
    assertNotEquals(NewOrders.draft(new Random(7), SF_001, 50),
        NewOrders.draft(new Random(8), SF_001, 50));
  }

  /** A fixed seed pins the drawn values, so a change of the algorithm shows up here. */
  @Test
  void drawsAreStableAcrossRuns() {
    NewOrders.OrderDraft first = NewOrders.draft(new Random(42), SF_001, 1).getFirst();
    assertEquals(60_001, first.orderKey());
    assertEquals(1131, first.custKey());
    assertEquals(java.time.LocalDate.of(1996, 6, 5), first.orderDate());
    assertEquals("4-NOT SPECIFIED", first.priority());
    assertEquals(List.of(1520L, 31L, 738L, 60L),
        first.lines().stream().map(NewOrders.LineDraft::partKey).toList());
    assertEquals(List.of(33, 38, 35, 4),
        first.lines().stream().map(NewOrders.LineDraft::quantity).toList());
  }

  @Test
  void draftsFollowTheTpchRules() {
    List<NewOrders.OrderDraft> drafts = NewOrders.draft(new Random(1), SF_001, 500);
    assertEquals(500, drafts.size());
    for (int i = 0; i < drafts.size(); i++) {
      NewOrders.OrderDraft order = drafts.get(i);
      assertEquals(SF_001.maxOrderKey() + 1 + i, order.orderKey());
      assertTrue(order.custKey() >= 1 && order.custKey() <= SF_001.maxCustKey());
      assertTrue(!order.orderDate().isBefore(NewOrders.FIRST_ORDER_DATE)
          && !order.orderDate().isAfter(NewOrders.LAST_ORDER_DATE));
      assertTrue(order.lines().size() >= 1 && order.lines().size() <= 7);
      assertTrue(order.comment().length() <= 79);
      for (int n = 0; n < order.lines().size(); n++) {
        NewOrders.LineDraft line = order.lines().get(n);
        assertEquals(n + 1, line.lineNumber());
        assertTrue(line.partKey() >= 1 && line.partKey() <= SF_001.maxPartKey());
        assertTrue(line.quantity() >= 1 && line.quantity() <= 50);
        assertTrue(line.discountPercent() <= 10 && line.taxPercent() <= 8);
        assertTrue(line.comment().length() <= 44);
      }
    }
  }

  @Test
  void completionPicksListedSuppliersAndExactPrices() {
    List<NewOrders.OrderDraft> drafts = NewOrders.draft(new Random(3), SF_001, 200);
    Map<Long, NewOrders.PartOffer> offers = new HashMap<>();
    for (long part : NewOrders.partKeys(drafts)) {
      offers.put(part, new NewOrders.PartOffer(new BigDecimal("901.23"),
          List.of(part % 100 + 1, (part + 25) % 100 + 1, (part + 50) % 100 + 1, (part + 75) % 100 + 1)));
    }
    NewOrders.Batch batch = NewOrders.complete(drafts, offers);
    assertEquals(drafts.size(), batch.orders().size());
    assertEquals(drafts.stream().mapToInt(d -> d.lines().size()).sum(), batch.lines().size());
    for (NewOrders.LineRow line : batch.lines()) {
      assertTrue(offers.get(line.partKey()).suppliers().contains(line.suppKey()));
      assertEquals(2, line.extendedPrice().scale());
      assertEquals(0, line.extendedPrice().compareTo(new BigDecimal("901.23").multiply(line.quantity())));
      assertEquals(line.shipDate().isAfter(NewOrders.CURRENT_DATE) ? "O" : "F", line.lineStatus());
      assertTrue(line.receiptDate().isAfter(line.shipDate()));
    }
    for (NewOrders.OrderRow order : batch.orders()) {
      assertEquals(2, order.totalPrice().scale());
      List<String> statuses = batch.lines().stream()
          .filter(l -> l.orderKey() == order.orderKey())
          .map(NewOrders.LineRow::lineStatus)
          .distinct()
          .toList();
      assertEquals(statuses.size() == 2 ? "P" : statuses.getFirst(), order.status());
    }
    assertEquals(NewOrders.complete(drafts, offers), batch, "completion draws nothing");
  }

  @Test
  void aPartWithoutSuppliersIsNamed() {
    List<NewOrders.OrderDraft> drafts = NewOrders.draft(new Random(3), SF_001, 1);
    var e = assertThrows(IllegalStateException.class, () -> NewOrders.complete(drafts, Map.of()));
    assertTrue(e.getMessage().contains("part " + drafts.getFirst().lines().getFirst().partKey()),
        e.getMessage());
  }

  @Test
  void anEmptyDatabaseIsRefusedWithAHint() {
    var e = assertThrows(IllegalStateException.class, () -> new NewOrders.Bounds(0, 0, 0, 0));
    assertTrue(e.getMessage().contains("freshet tpch load"), e.getMessage());
  }

  @Test
  void refreshRefusesAnEmptyBatch() {
    assertThrows(IllegalArgumentException.class, () -> new TpchRefresh("public", 1, 0));
    assertEquals(15, new TpchRefresh("public", 1, 15).batchSize());
  }
}
