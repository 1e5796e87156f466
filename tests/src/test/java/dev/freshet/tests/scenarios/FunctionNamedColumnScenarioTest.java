package dev.freshet.tests.scenarios;

import static dev.freshet.tests.scenarios.Scenarios.create;
import static dev.freshet.tests.scenarios.Scenarios.exec;
import static dev.freshet.tests.scenarios.Scenarios.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.runtime.streamtable.Mode;
import dev.freshet.tests.harness.PostgresTest;
import dev.freshet.tests.harness.TestDatabase;
import dev.freshet.tests.oracle.Oracle;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Columns named as SQL's niladic functions ({@code "user"}, {@code "current_date"}, {@code "session_user"},
 * {@code "current_role"}, {@code "localtime"} …). Calcite printed such a name, unqualified, as the function:
 * a state table's {@code SELECT "user"} became {@code SELECT USER}, the current role's name, so a row whose key
 * equalled that name was added by a refresh that reported success (found by a first-hour walkthrough); with a
 * uuid column the refresh failed ({@code operator does not exist: uuid = name}), and a change table's filter
 * {@code WHERE "user" = …} read the role too. Each refresh is checked against the query.
 */
@PostgresTest
class FunctionNamedColumnScenarioTest {

  @Test
  void aSubQueryOverAColumnNamedUser(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE fn_logins (\"user\" text, at timestamptz)",
          "CREATE TABLE fn_accts (login text PRIMARY KEY, plan text)",
          "INSERT INTO fn_logins VALUES ('alice', now())",
          "INSERT INTO fn_accts VALUES ('alice', 'pro'), ('bob', 'free')");
      create(c, "fn_seen", "SELECT login, plan FROM fn_accts WHERE login IN (SELECT \"user\" FROM fn_logins)",
          Mode.DIFFERENTIAL);
      // the refreshing role's own name as a key: USER printed bare matched it
      exec(c, "INSERT INTO fn_accts VALUES (current_user, 'admin')");
      Oracle.refreshAndCheck(c, "fn_seen", Mode.DIFFERENTIAL);
      assertEquals(List.of("alice|pro"), rows(c, "SELECT login || '|' || plan FROM fn_seen ORDER BY 1"));
      exec(c, "INSERT INTO fn_logins VALUES ('bob', now())", "DELETE FROM fn_logins WHERE \"user\" = 'alice'");
      Oracle.refreshAndCheck(c, "fn_seen", Mode.DIFFERENTIAL);
      assertEquals(List.of("bob|free"), rows(c, "SELECT login || '|' || plan FROM fn_seen ORDER BY 1"));
    }
  }

  @Test
  void uuidKeysAndFiltersOnFunctionNamedColumns(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      exec(c, "CREATE TABLE fn_people (id uuid PRIMARY KEY, name text)",
          "CREATE TABLE fn_orders (id int PRIMARY KEY, \"user\" uuid, \"current_date\" date, \"session_user\" text)",
          "INSERT INTO fn_people VALUES ('00000000-0000-0000-0000-000000000001', 'ann'), "
              + "('00000000-0000-0000-0000-000000000002', 'ben')",
          "INSERT INTO fn_orders VALUES (1, '00000000-0000-0000-0000-000000000001', DATE '2020-01-01', 'x')");
      create(c, "fn_idle", "SELECT p.name FROM fn_people p WHERE NOT EXISTS (SELECT 1 FROM fn_orders o "
          + "WHERE o.\"user\" = p.id)", Mode.DIFFERENTIAL);
      create(c, "fn_buyers", "SELECT name FROM fn_people WHERE id IN (SELECT \"user\" FROM fn_orders)",
          Mode.DIFFERENTIAL);
      create(c, "fn_per_user", "SELECT \"user\", count(*) AS n, max(\"current_date\") AS last_day FROM fn_orders "
          + "WHERE \"session_user\" = 'x' GROUP BY \"user\"", Mode.DIFFERENTIAL);
      exec(c, "INSERT INTO fn_orders VALUES (2, '00000000-0000-0000-0000-000000000002', DATE '2021-01-01', 'x'), "
          + "(3, '00000000-0000-0000-0000-000000000001', DATE '2022-01-01', current_user)");
      Oracle.refreshAndCheck(c, "fn_idle", Mode.DIFFERENTIAL);
      Oracle.refreshAndCheck(c, "fn_buyers", Mode.DIFFERENTIAL);
      Oracle.refreshAndCheck(c, "fn_per_user", Mode.DIFFERENTIAL);
      assertEquals(List.of(), rows(c, "SELECT name FROM fn_idle"));
      exec(c, "UPDATE fn_orders SET \"session_user\" = 'x' WHERE id = 3", "DELETE FROM fn_orders WHERE id = 2");
      Oracle.refreshAndCheck(c, "fn_idle", Mode.DIFFERENTIAL);
      Oracle.refreshAndCheck(c, "fn_buyers", Mode.DIFFERENTIAL);
      Oracle.refreshAndCheck(c, "fn_per_user", Mode.DIFFERENTIAL);
      assertEquals(List.of("ben"), rows(c, "SELECT name FROM fn_idle"));
      assertEquals(List.of("ann"), rows(c, "SELECT name FROM fn_buyers"));
      assertEquals(List.of("00000000-0000-0000-0000-000000000001|2|2022-01-01"),
          rows(c, "SELECT \"user\" || '|' || n || '|' || last_day FROM fn_per_user"));
    }
  }
}
