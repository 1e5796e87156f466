-- freshet.auto_override (issue 12): a setting of the refreshing session or role; 'differential' makes refresh_window
-- (R__refresh_functions.sql) refresh an AUTO stream table differentially whatever AUTO would choose, its window
-- counted and its refresh recorded as AUTO's own ('AUTO: N changes; differential, as freshet.auto_override asks'),
-- so that AUTO's estimate learns from it. Another value fails the refresh, naming the setting. bench --sweep measures
-- AUTO's choice this way: since V16 AUTO learns only from refreshes of counted windows, which DIFFERENTIAL stream
-- tables no longer record, so asked about the sweep's DIFFERENTIAL stream tables it never had a measurement.
-- Nothing else changes in the catalog.
SELECT 1;
