-- Stored state of the stateful operators inside a stream table's query (an aggregate in a derived
-- table, the DISTINCT keys an IN sub-query becomes, the groups under a HAVING): one hidden table per
-- operator, freshet_state."st_<stream table id>_<n>", created and dropped with its stream table and
-- maintained in the same refresh transaction.
CREATE SCHEMA freshet_state;
COMMENT ON SCHEMA freshet_state IS 'Freshet state tables: the stored results of operators inside stream table queries';
