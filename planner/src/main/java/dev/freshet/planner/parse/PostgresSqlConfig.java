package dev.freshet.planner.parse;

import java.util.Properties;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.config.CalciteConnectionConfig;
import org.apache.calcite.config.CalciteConnectionConfigImpl;
import org.apache.calcite.config.CalciteConnectionProperty;
import org.apache.calcite.config.NullCollation;
import org.apache.calcite.sql.parser.babel.SqlBabelParserImpl;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.validate.SqlConformance;
import org.apache.calcite.sql.validate.SqlValidator;

/**
 * How PostgreSQL reads SQL, as Calcite settings: unquoted identifiers fold to lower case, quoted ones
 * are kept exactly, lookups are case-sensitive, NULLs sort last ascending, and the Babel parser
 * accepts {@code ::}, {@code ILIKE} and {@code GROUP BY 1}.
 */
public final class PostgresSqlConfig {

  /** Babel's conformance with a strict GROUP BY, see {@link PostgresConformance}. */
  public static final SqlConformance CONFORMANCE = PostgresConformance.INSTANCE;

  private PostgresSqlConfig() {
  }

  public static SqlParser.Config parser() {
    return SqlParser.config()
        .withParserFactory(SqlBabelParserImpl.FACTORY)
        .withConformance(CONFORMANCE)
        .withQuoting(Quoting.DOUBLE_QUOTE)
        .withUnquotedCasing(Casing.TO_LOWER)
        .withQuotedCasing(Casing.UNCHANGED)
        .withCaseSensitive(true)
        // PostgreSQL cuts longer names to 63 bytes; so does the planner after parsing (LongIdentifiers).
        .withIdentifierMaxLength(Integer.MAX_VALUE);
  }

  public static SqlValidator.Config validator() {
    return SqlValidator.Config.DEFAULT
        .withConformance(CONFORMANCE)
        .withIdentifierExpansion(true)
        .withDefaultNullCollation(NullCollation.HIGH)
        .withCallRewrite(true)
        // A string literal takes the type of the value it meets, as PostgreSQL's untyped literal does.
        .withTypeCoercionFactory(PostgresTypeCoercion::new);
  }

  public static CalciteConnectionConfig connection() {
    Properties properties = new Properties();
    properties.setProperty(CalciteConnectionProperty.CASE_SENSITIVE.camelName(), "true");
    properties.setProperty(CalciteConnectionProperty.UNQUOTED_CASING.camelName(), Casing.TO_LOWER.name());
    properties.setProperty(CalciteConnectionProperty.QUOTED_CASING.camelName(), Casing.UNCHANGED.name());
    return new CalciteConnectionConfigImpl(properties);
  }
}
