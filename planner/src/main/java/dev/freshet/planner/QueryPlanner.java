package dev.freshet.planner;

import dev.freshet.planner.admission.ReasonCode;
import dev.freshet.planner.admission.Refusal;
import dev.freshet.planner.admission.UnsupportedQueryException;
import dev.freshet.planner.admission.Landmarks;
import dev.freshet.planner.catalog.PayloadOnlyCheck;
import dev.freshet.planner.catalog.PgCalciteSchema;
import dev.freshet.planner.catalog.PgCatalog;
import dev.freshet.planner.catalog.SearchPathCatalogReader;
import dev.freshet.planner.catalog.UnsupportedColumn;
import dev.freshet.planner.catalog.NamedTypeExpressions;
import dev.freshet.planner.catalog.UnsupportedColumnAnalyzer;
import dev.freshet.planner.normalize.QueryNormalizer;
import dev.freshet.planner.parse.PostgresOperators;
import dev.freshet.planner.parse.IntervalLiterals;
import dev.freshet.planner.parse.ArrayQuantifierCheck;
import dev.freshet.planner.parse.AtTimeZones;
import dev.freshet.planner.parse.BpcharUnificationCheck;
import dev.freshet.planner.parse.DollarQuotes;
import dev.freshet.planner.parse.ExactNumericLiterals;
import dev.freshet.planner.parse.FieldSelectionCheck;
import dev.freshet.planner.parse.InfixCasts;
import dev.freshet.planner.parse.InfixOperators;
import dev.freshet.planner.parse.KeywordIdentifiers;
import dev.freshet.planner.parse.LongIdentifiers;
import dev.freshet.planner.parse.PostgresSqlConfig;
import dev.freshet.planner.parse.PostgresTypeNames;
import dev.freshet.planner.parse.UsingColumnValidator;
import dev.freshet.planner.parse.ValidatorMessages;
import dev.freshet.planner.parse.StarReader;
import dev.freshet.planner.types.FreshetTypeFactory;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.prepare.CalciteCatalogReader;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import dev.freshet.planner.types.FreshetRexBuilder;
import dev.freshet.planner.types.CollatedComparisonConvertlets;
import dev.freshet.planner.types.FreshetRexExecutor;
import dev.freshet.planner.types.FreshetTypeFactory;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql2rel.SqlToRelConverter;
import org.apache.calcite.tools.RelBuilder;

/**
 * Turns the text of a defining query into its {@link LogicalPlan}: parse (PostgreSQL flavour),
 * validate against the catalog, convert to relational algebra, remove sub-queries, decorrelate,
 * normalize. Every failure is a {@link QueryException} with a source position.
 */
public final class QueryPlanner {

  private final SchemaPlus rootSchema;
  private final List<String> searchPath;

  /**
   * @param rootSchema one sub-schema per PostgreSQL schema (see {@code PgCalciteSchema})
   * @param searchPath the schemas unqualified names resolve in, in order (PostgreSQL's search_path)
   */
  public QueryPlanner(SchemaPlus rootSchema, List<String> searchPath) {
    this.rootSchema = Objects.requireNonNull(rootSchema, "rootSchema");
    this.searchPath = List.copyOf(searchPath);
    PostgresTypeNames.register(rootSchema);
  }

  /**
   * A planner over a catalog read from PostgreSQL: unqualified names resolve along the reading
   * session's {@code search_path} ({@code current_schemas(false)}), as PostgreSQL resolves them.
   */
  public static QueryPlanner forCatalog(PgCatalog catalog) {
    SchemaPlus root = PgCalciteSchema.create(catalog);
    PostgresTypeNames.registerColumnTypes(root, catalog);
    return new QueryPlanner(root, catalog.searchPath());
  }

  /** A type factory with PostgreSQL-sized numerics; plans from this planner use it. */
  public static RelDataTypeFactory newTypeFactory() {
    return new FreshetTypeFactory();
  }

  public LogicalPlan plan(String text) {
    Validation v = validate(text, parsed -> { });
    String sql = v.sql();
    InfixCasts.Rewritten forParser = v.forParser();
    SqlValidator validator = v.validator();
    SqlNode validated = v.validated();
    CalciteCatalogReader catalogReader = v.catalogReader();
    FreshetTypeFactory typeFactory = v.typeFactory();
    BpcharUnificationCheck.check(validated, validator, sql, forParser);

    // Every simplifier and rule over this plan finds its executor on the cluster's planner.
    HepPlanner clusterPlanner = new HepPlanner(HepProgram.builder().build());
    clusterPlanner.setExecutor(FreshetRexExecutor.create());
    RelOptCluster cluster = RelOptCluster.create(clusterPlanner, new FreshetRexBuilder(typeFactory));
    SqlToRelConverter converter = new SqlToRelConverter(
        (rowType, queryString, schemaPath, viewPath) -> {
          throw new UnsupportedOperationException("views are read as tables");
        },
        validator, catalogReader, cluster, CollatedComparisonConvertlets.INSTANCE,
        SqlToRelConverter.config()
            .withTrimUnusedFields(true)
            // Keep IN/EXISTS as sub-queries; NormalizePrograms removes them with the decorrelator.
            .withExpand(false)
            .withInSubQueryThreshold(Integer.MAX_VALUE));
    RelRoot root;
    try {
      root = converter.convertQuery(validated, false, true);
    } catch (RuntimeException | AssertionError e) {
      // Calcite's converter fails on some queries it validated: an int joined with a bigint beside a correlated
      // sub-query in the select list (an index past the row's end; found by the round-trip property once it had a
      // bigint column), which the command line reported as a bug and AUTO could not run at all
      throw plannerFailed(e, "converting it", sql);
    }
    List<String> columnNames = root.validatedRowType.getFieldNames();
    RelNode rel = root.project();

    RelBuilder relBuilder = RelFactories.LOGICAL_BUILDER.create(cluster, catalogReader);
    try {
      rel = QueryNormalizer.normalize(rel, relBuilder, sql);
      rel = converter.trimUnusedFields(true, rel);
    } catch (RuntimeException | AssertionError e) {
      // Calcite's decorrelator and trimmer fail on some nestings of sub-queries (found by the
      // round-trip property): a query Freshet cannot plan, which AUTO runs as written.
      throw plannerFailed(e, "removing its sub-queries", sql);
    }
    refuseUnsupportedColumns(rel, sql);
    refusePayloadComparisons(rel, sql);
    refuseUntypedExpressions(rel, sql, forParser);
    refuseUuidLiterals(rel, sql);
    return new LogicalPlan(sql, rel, columnNames, Landmarks.of(validated, forParser.text(), forParser::original,
        validator::getValidatedNodeTypeIfKnown));
  }

  /** A failure inside Calcite while {@code doing}, as a refusal (FR008), or the refusal it already is. */
  private static QueryException plannerFailed(Throwable e, String doing, String sql) {
    if (e instanceof QueryException q) {
      return q;
    }
    return new UnsupportedQueryException(new Refusal(ReasonCode.UNREADABLE_QUERY, SourcePosition.UNKNOWN,
        "Freshet's planner failed on this query (" + e.getClass().getSimpleName() + " in Calcite while " + doing
            + "; please report it)", "use --mode FULL or AUTO: PostgreSQL runs the query as written"), sql, e);
  }

  /**
   * The stars of a defining query ({@code *}, {@code t.*}, {@code TABLE t}) and the columns each stands
   * for in today's catalog, to be written into the query a stream table stores (see {@link StarExpansion});
   * empty when it has none. Stars whose columns do not matter (the select list under EXISTS) are left.
   *
   * @throws QueryException when the query cannot be read, as {@link #plan} would
   */
  public List<StarExpansion> stars(String text) {
    StarReader[] reader = new StarReader[1];
    Validation v = validate(text, parsed -> reader[0] = StarReader.before(parsed));
    return reader[0].after(v.validator(), v.forParser()::original);
  }

  /** A query parsed and validated, and what validated it. */
  private record Validation(String sql, InfixCasts.Rewritten forParser, SqlValidator validator, SqlNode validated,
      CalciteCatalogReader catalogReader, FreshetTypeFactory typeFactory) {
  }

  /** Parses and validates {@code text}; {@code beforeValidation} sees the parse tree the validator rewrites. */
  private Validation validate(String text, java.util.function.Consumer<SqlNode> beforeValidation) {
    Objects.requireNonNull(text, "sql");
    String sql = QueryText.withoutTerminator(text);
    // dollar quotes first: the rewrites after it read the standard literals it writes (a quote inside $$…$$ is
    // no string's start); then words Calcite reserves where PostgreSQL reads a name are quoted; intervals keep
    // every column; casts, AT TIME ZONE and JSON operators map theirs back
    InfixCasts.Rewritten dollars = DollarQuotes.rewrite(sql);
    InfixCasts.Rewritten names = dollars.then(KeywordIdentifiers.rewrite(IntervalLiterals.rewrite(dollars.text())));
    InfixCasts.Rewritten forParser = InfixOperators.rewrite(
        AtTimeZones.rewrite(names.then(InfixCasts.rewrite(names.text())), sql), sql);
    SqlNode parsed = ExactNumericLiterals.rewrite(parse(sql, forParser));
    LongIdentifiers.truncateAll(parsed);
    ArrayQuantifierCheck.check(parsed, sql, forParser);
    FieldSelectionCheck.check(parsed, sql, forParser);
    beforeValidation.accept(parsed);
    FreshetTypeFactory typeFactory = new FreshetTypeFactory();
    CalciteCatalogReader catalogReader = new SearchPathCatalogReader(
        CalciteSchema.from(rootSchema), searchPath, typeFactory, PostgresSqlConfig.connection());
    SqlValidator validator = new UsingColumnValidator(PostgresOperators.table(),
        catalogReader, typeFactory, PostgresSqlConfig.validator());
    SqlNode validated;
    try {
      validated = validator.validate(parsed);
    } catch (CalciteContextException e) {
      throw invalid(sql, forParser, e);
    } catch (RuntimeException e) {
      // A validator crash (e.g. Calcite's NullPointerException on GROUP BY COALESCE(...) under the
      // Babel conformance) is a construct Freshet cannot plan yet, not a reason to fail obscurely.
      throw new UnsupportedQueryException(new Refusal(ReasonCode.UNSUPPORTED_CONSTRUCT, SourcePosition.UNKNOWN,
          "Freshet's planner cannot handle this query yet (" + e.getClass().getSimpleName()
              + " in validation)", "rewrite the construct (e.g. group by a column of a sub-query), or report it"),
          sql, e);
    }
    return new Validation(sql, forParser, validator, validated, catalogReader, typeFactory);
  }

  /** A column of a type Freshet cannot represent may be read only if the query never uses it. */
  private static void refuseUnsupportedColumns(RelNode rel, String sql) {
    List<UnsupportedColumn> used = UnsupportedColumnAnalyzer.analyze(rel);
    if (!used.isEmpty()) {
      UnsupportedColumn first = used.get(0);
      throw new UnsupportedQueryException(new Refusal(ReasonCode.UNSUPPORTED_TYPE,
          SourcePosition.UNKNOWN, first.message(),
          "leave the column out of the query (a view cannot carry change capture, so casting it in one does "
              + "not help), or use --mode AUTO or FULL: PostgreSQL runs the query as written"),
          sql);
    }
  }

  /** A value of a type without equality (json, point) is carried, never compared (see PayloadOnlyCheck). */
  private static void refusePayloadComparisons(RelNode rel, String sql) {
    PayloadOnlyCheck.find(rel).ifPresent(use -> {
      throw new UnsupportedQueryException(new Refusal(ReasonCode.UNSUPPORTED_TYPE, SourcePosition.UNKNOWN,
          use.message(), use.fix()), sql);
    });
  }

  /**
   * An expression over a type carried by name must be typed as PostgreSQL types it (see NamedTypeExpressions);
   * the refusal points at it where the plan kept its position.
   */
  private static void refuseUntypedExpressions(RelNode rel, String sql, InfixCasts.Rewritten forParser) {
    NamedTypeExpressions.findWithPosition(rel).ifPresent(found -> {
      String call = found.description();
      // where the plan keeps it (tags[1], upper(m)), in the user's text; an aggregate's call has no position
      SourcePosition position = forParser.original(SourcePosition.of(found.position()));
      // an aggregate's result cast is still the aggregate over that type: its argument is what to cast
      boolean aggregate = call.startsWith(NamedTypeExpressions.AGGREGATE);
      throw new UnsupportedQueryException(new Refusal(ReasonCode.UNSUPPORTED_FUNCTION, position,
          call + " over a column of a type Freshet's planner carries by name (jsonb, an enum, inet, money, an "
              + "array...): its result type is PostgreSQL's to decide, and Freshet cannot tell it",
          aggregate
              ? "aggregate the value cast to a type Freshet reads (e.g. sum(m::numeric), max(doc::text)), "
                  + "or use --mode FULL or AUTO"
              : "cast the result to the type PostgreSQL gives it (e.g. (doc || '{}')::jsonb, upper(m::text)), "
                  + "or use --mode FULL or AUTO"), sql);
    });
  }

  /**
   * A uuid constant Calcite holds as a value (the typed literal {@code uuid '…'}) is compared and ordered by
   * Calcite's simplifier as Java's signed numbers, where PostgreSQL orders a uuid's bytes: {@code g > uuid
   * '0…01' AND g < uuid '8…'} would be planned as no rows. {@code '…'::uuid} and a bare literal are constants
   * PostgreSQL converts (see PostgresConstantFunction#readByPostgres); this form is refused.
   */
  private static void refuseUuidLiterals(RelNode rel, String sql) {
    boolean[] found = {false};
    new org.apache.calcite.rel.RelVisitor() {
      @Override
      public void visit(RelNode node, int ordinal, RelNode parent) {
        node.accept(new org.apache.calcite.rex.RexShuttle() {
          @Override
          public org.apache.calcite.rex.RexNode visitLiteral(org.apache.calcite.rex.RexLiteral literal) {
            found[0] |= literal.getTypeName() == org.apache.calcite.sql.type.SqlTypeName.UUID && !literal.isNull();
            return literal;
          }
        });
        super.visit(node, ordinal, parent);
      }
    }.go(rel);
    if (found[0]) {
      throw new UnsupportedQueryException(new Refusal(ReasonCode.UNSUPPORTED_CONSTRUCT, SourcePosition.UNKNOWN,
          "a uuid literal written uuid '...' is read by Freshet's planner, which orders uuids otherwise than "
              + "PostgreSQL", "write it as '...'::uuid, which PostgreSQL converts, or use --mode FULL or AUTO"), sql);
    }
  }

  /** Parses {@code text} (the user's {@code sql} rewritten for Calcite's parser, same meaning). */
  private static SqlNode parse(String sql, InfixCasts.Rewritten text) {
    try {
      return SqlParser.create(text.text(), PostgresSqlConfig.parser()).parseQuery();
    } catch (SqlParseException e) {
      SourcePosition at = text.original(SourcePosition.of(e.getPos()));
      if (isDistinctOn(sql, at)) { // valid PostgreSQL, which Calcite's parser stops at: say what it is
        throw new UnsupportedQueryException(new Refusal(ReasonCode.UNREADABLE_QUERY, at,
            "DISTINCT ON is not read by Freshet's planner yet", "use --mode FULL or AUTO: PostgreSQL runs the "
                + "query as written"), sql, e);
      }
      Optional<SourcePosition> operator = operatorAt(sql, at);
      if (operator.isPresent()) { // valid PostgreSQL (&&, <<=, >>): an operator Calcite's parser has no token for
        String written = sql.substring(operator.get().startOffset(sql), operator.get().endOffset(sql) + 1);
        throw new InvalidQueryException("operator " + written + " is not known to Freshet's planner", sql,
            operator.get(), true, e);
      }
      String message = e.getMessage() == null ? "syntax error"
          : ValidatorMessages.postgresStyle(text.originalPositions(firstLine(e.getMessage())));
      throw new InvalidQueryException(message, sql, at, true, e);
    }
  }

  /** The characters PostgreSQL builds operators of. */
  private static final String OPERATOR_CHARACTERS = "+-*/<>=~!@#%^&|`?";

  /**
   * The operator the parser stopped in, when it is one of two or more characters ({@code &&}, {@code <<=},
   * {@code >>}, {@code -|-}) or a prefix one after a comma or bracket ({@code ~addr}): PostgreSQL reads these,
   * Calcite's parser stops at them (it said {@code syntax error at or near "& &"}, as if the query were not
   * valid). PostgreSQL reads every query before Freshet's planner does, so the text is an operator.
   */
  private static Optional<SourcePosition> operatorAt(String sql, SourcePosition at) {
    if (!at.isKnown()) {
      return Optional.empty();
    }
    int offset = SourcePosition.offset(sql, at.line(), at.column());
    boolean prefix = false;
    if (offset >= 0 && offset < sql.length() && (sql.charAt(offset) == ',' || sql.charAt(offset) == '(')) {
      // a prefix operator it has no token for (SELECT id, ~addr): it stopped at the comma before
      offset++;
      while (offset < sql.length() && Character.isWhitespace(sql.charAt(offset))) {
        offset++;
      }
      prefix = true;
    }
    if (offset < 0 || offset >= sql.length() || OPERATOR_CHARACTERS.indexOf(sql.charAt(offset)) < 0) {
      return Optional.empty();
    }
    int start = offset;
    while (!prefix && start > 0 && OPERATOR_CHARACTERS.indexOf(sql.charAt(start - 1)) >= 0) {
      start--;
    }
    int end = offset;
    while (end < sql.length() && OPERATOR_CHARACTERS.indexOf(sql.charAt(end)) >= 0) {
      end++;
    }
    if (end - start < (prefix ? 1 : 2) || sql.startsWith("--", start) || sql.startsWith("/*", start)) {
      return Optional.empty();
    }
    SourcePosition first = QueryText.positionOf(sql, start);
    SourcePosition last = QueryText.positionOf(sql, end - 1);
    return Optional.of(new SourcePosition(first.line(), first.column(), last.line(), last.column()));
  }

  /** Whether the parser stopped at the ON of a DISTINCT ON (it said: syntax error at or near "ON"). */
  private static boolean isDistinctOn(String sql, SourcePosition at) {
    if (!at.isKnown()) {
      return false;
    }
    int offset = SourcePosition.offset(sql, at.line(), at.column());
    return offset >= 0 && offset + 2 <= sql.length() && sql.regionMatches(true, offset, "ON", 0, 2)
        && DISTINCT_BEFORE.matcher(sql.substring(0, offset)).find();
  }

  private static final java.util.regex.Pattern DISTINCT_BEFORE =
      java.util.regex.Pattern.compile("(?i)\\bDISTINCT\\s+$");

  private static InvalidQueryException invalid(String sql, InfixCasts.Rewritten text, CalciteContextException e) {
    String message = e.getCause() != null && e.getCause().getMessage() != null
        ? e.getCause().getMessage() : String.valueOf(e.getMessage());
    SourcePosition position = e.getPosLine() > 0
        ? new SourcePosition(e.getPosLine(), e.getPosColumn(),
            Math.max(e.getEndPosLine(), e.getPosLine()), Math.max(e.getEndPosColumn(), 0))
        : SourcePosition.UNKNOWN;
    return new InvalidQueryException(ValidatorMessages.postgresStyle(message), sql, text.original(position), false, e);
  }

  private static String firstLine(String text) {
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }
}
