package dev.freshet.rules.rel;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.tools.RelBuilder;

/** The weight column of Z-sets: its name, its type, and the projections that add or combine it. */
public final class Weights {

  /** Name of the weight column: +n for n insertions of a row, −n for n deletions. */
  public static final String WEIGHT = "__w";

  private Weights() {
  }

  /** {@code rowType} plus {@code __w BIGINT NOT NULL}. */
  public static RelDataType withWeight(RelDataTypeFactory typeFactory, RelDataType rowType) {
    return typeFactory.builder()
        .addAll(rowType.getFieldList())
        .add(WEIGHT, typeFactory.createSqlType(SqlTypeName.BIGINT))
        .uniquify()
        .build();
  }

  /** Pushes {@code input} with a constant weight +1 appended: X1 as a Z-set. */
  public static RelBuilder pushWeighted(RelBuilder b, RelNode input) {
    b.push(input);
    List<RexNode> fields = new ArrayList<>(b.fields());
    fields.add(b.getRexBuilder().makeBigintLiteral(BigDecimal.ONE));
    return b.project(fields, names(input.getRowType()), true);
  }

  /** The field names of {@code rowType} plus {@link #WEIGHT}. */
  public static List<String> names(RelDataType rowType) {
    List<String> names = new ArrayList<>(rowType.getFieldNames());
    names.add(WEIGHT);
    return names;
  }
}
