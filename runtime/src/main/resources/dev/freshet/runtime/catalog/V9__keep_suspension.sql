-- A SUSPENDED stream table stays suspended when a manual refresh of it fails: every failure path
-- (the command line's, CALL freshet.refresh) records status ERROR, which would otherwise let the
-- service try it again. A refresh that succeeds (ACTIVE) or 'freshet resume' still brings it back.

CREATE FUNCTION freshet.keep_suspension() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'SUSPENDED' AND NEW.status = 'ERROR' THEN
    NEW.status := 'SUSPENDED';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER keep_suspension BEFORE UPDATE OF status ON freshet.stream_tables
FOR EACH ROW EXECUTE FUNCTION freshet.keep_suspension();
