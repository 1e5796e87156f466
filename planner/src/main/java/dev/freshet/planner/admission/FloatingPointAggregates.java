package dev.freshet.planner.admission;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;

/**
 * Finds the aggregates PostgreSQL computes by floating-point arithmetic: {@code sum}, {@code avg},
 * {@code stddev} and {@code variance} of a {@code real} or {@code double precision} value (a column, a
 * domain over one, an expression such as {@code price * 1.5::float8}), and {@code covar_pop},
 * {@code covar_samp}, {@code regr_sxx} and {@code regr_syy} of any value (PostgreSQL casts their
 * arguments to double precision). Floating-point addition is not associative: a sum kept by adding
 * and subtracting changes, or a group re-aggregated in another row order, can differ from the query's
 * own result in the last digits, so none of them is maintained differentially. {@code min}, {@code max}
 * and {@code count} of floats compare or count, and are exact.
 */
public final class FloatingPointAggregates {

  private FloatingPointAggregates() {
  }

  /**
   * Why the aggregate of {@code kind} over arguments of {@code argumentTypes} cannot be maintained
   * exactly, if it cannot: its name and the type it is computed in, e.g. {@code sum over double precision}.
   *
   * @param name the aggregate's name as the query wrote it or Calcite names it ({@code $SUM0} is sum)
   */
  public static Optional<String> inexact(SqlKind kind, String name, List<RelDataType> argumentTypes) {
    String shown = kind == SqlKind.SUM0 ? "sum" : name.toLowerCase(Locale.ROOT);
    return switch (kind) {
      case SUM, SUM0, AVG, STDDEV_POP, STDDEV_SAMP, VAR_POP, VAR_SAMP -> argumentTypes.stream()
          .filter(SqlTypeUtil::isApproximateNumeric).findFirst()
          .map(t -> shown + " over " + (t.getSqlTypeName() == SqlTypeName.REAL ? "real" : "double precision"));
      case COVAR_POP, COVAR_SAMP, REGR_SXX, REGR_SYY -> Optional.of(shown + ", which PostgreSQL computes in "
          + "double precision");
      default -> Optional.empty();
    };
  }

  /** The refusal's message for {@code what} (from {@link #inexact}). */
  public static String message(String what) {
    return what + " is not maintained differentially: floating-point addition is not associative, so a sum "
        + "kept by adding and subtracting changes (or a group re-aggregated in another row order) can differ "
        + "from the query's own result in the last digits";
  }

  /** The refusal's fix. */
  public static final String FIX = "aggregate an exact type, e.g. sum(f::numeric) or avg(f::numeric) (cast the "
      + "argument, not the result), or use --mode FULL or AUTO: PostgreSQL then runs the query as written";
}
