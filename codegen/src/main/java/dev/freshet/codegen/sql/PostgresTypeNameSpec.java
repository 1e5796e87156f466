package dev.freshet.codegen.sql;

import java.util.Objects;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.SqlTypeNameSpec;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.util.Litmus;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;

/**
 * A PostgreSQL type name printed as {@code format_type} gave it ({@code jsonb}, {@code text[]},
 * {@code public."My Type"}): already quoted where it must be, so written verbatim, never upper-cased
 * as Calcite's keyword-style type names are. Only printed, never validated.
 */
final class PostgresTypeNameSpec extends SqlTypeNameSpec {

  private final String text;

  PostgresTypeNameSpec(String text) {
    super(new SqlIdentifier(text, SqlParserPos.ZERO), SqlParserPos.ZERO);
    this.text = Objects.requireNonNull(text, "text");
  }

  @Override
  public RelDataType deriveType(SqlValidator validator) {
    throw new UnsupportedOperationException("a printed PostgreSQL type name is not validated: " + text);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.print(text);
    writer.setNeedWhitespace(true);
  }

  @Override
  public boolean equalsDeep(SqlTypeNameSpec spec, Litmus litmus) {
    return spec instanceof PostgresTypeNameSpec other && other.text.equals(text)
        ? litmus.succeed() : litmus.fail("{} != {}", this, spec);
  }
}
